"""The REST API at /api/v1/: token auth, one set of endpoints per registered resource."""

from typing import Literal

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Schema, Status, Swagger
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import Field, create_model

from wuyedesk.accounts import api as two_factor_api
from wuyedesk.accounts import services as account_services
from wuyedesk.accounts import twofactor
from wuyedesk.accounts.access import has_post, is_staff_member
from wuyedesk.accounts.middleware import SUPPORTED as SUPPORTED_LANGUAGES
from wuyedesk.accounts.selectors import tokens_of
from wuyedesk.accounts.throttling import login_check, login_failed
from wuyedesk.api import errors
from wuyedesk.api.parser import CleanTextParser
from wuyedesk.api.schemas import (
    MAX_ID,
    SCHEMAS,
    ErrorOut,
    RevealIn,
    RevealOut,
    ThrottledOut,
    TokenIn,
    TokenInfo,
    TokenOut,
)
from wuyedesk.appraisal import api as appraisal_api
from wuyedesk.archive import api as archive_api
from wuyedesk.audit import api as audit_api
from wuyedesk.audit.services import record_opened
from wuyedesk.channels import api as portal_api
from wuyedesk.core.resources import REGISTRY, Resource
from wuyedesk.dataquality import api as dataquality_api
from wuyedesk.improvements import api as improvements_api
from wuyedesk.mailbox import api as mailbox_api
from wuyedesk.meetings import api as meetings_api
from wuyedesk.notifications import api as notifications_api
from wuyedesk.policies import api as policies_api
from wuyedesk.policies import calendar_api
from wuyedesk.properties import api as company_api
from wuyedesk.properties import selectors as property_selectors
from wuyedesk.properties import services as property_services
from wuyedesk.properties.exports import FORMATS, resource_export
from wuyedesk.properties.records import record_archive, record_save
from wuyedesk.recruitment import api as recruitment_api
from wuyedesk.reports import api as reports_api
from wuyedesk.rewards import api as rewards_api
from wuyedesk.staffing import api as staffing_api
from wuyedesk.supervision import api as supervision_api
from wuyedesk.surveys import api as surveys_api
from wuyedesk.telephony import api as telephony_api
from wuyedesk.tickets import api as tickets_api
from wuyedesk.tickets import canned_api, intake_api, search_api
from wuyedesk.tickets.assignments import api as tasks_api
from wuyedesk.tickets.category_tree import api as category_api
from wuyedesk.tickets.knowledge import api as knowledge_api
from wuyedesk.tickets.services import TicketConflict
from wuyedesk.training import api as training_api
from wuyedesk.web import api as system_api
from wuyedesk.workplans import api as workplans_api

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = account_services.token_authenticate(token)
        if user is not None:
            request.user = user
            # The language middleware ran before the token was read: answer in the token
            # owner's language, as pages answer in the signed-in person's.
            if user.language in SUPPORTED_LANGUAGES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return user


api = NinjaAPI(
    title="WuyeDesk API",
    version="1",
    description="物业客服台接口。Authenticate with `POST /api/v1/auth/token`, then send "
    "`Authorization: Bearer <token>`. Errors are JSON with `code`, `message` and `field`.",
    auth=TokenAuth(),
    parser=CleanTextParser(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI's files come from ninja's static files ("ninja" in INSTALLED_APPS), so the
    # page works offline under the strict CSP; no spec is sent to an online validator.
    docs=Swagger(settings={"validatorUrl": None}),
)
errors.install(api)


@api.exception_handler(TicketConflict)
def on_ticket_conflict(request, exc):
    """A stale `version`: the ticket changed since the caller read it; nothing changed."""
    return api.create_response(request, errors.error_body("conflict", str(exc)), status=409)


auth_router = Router(tags=["auth"])


@auth_router.post(
    "/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ThrottledOut}
)
def token_create(request, payload: TokenIn):
    """Exchange a staff username and password for a bearer token. Failed attempts from one
    client address are limited across user names (company setting `rate_login`): over the
    limit the answer is 429 with `Retry-After`. Staff who must use two-factor login also send
    `otp`: without it the answer is 401 `otp_required` (`otp_invalid` for a wrong code,
    `otp_not_enrolled` before they set up an authenticator on the web)."""
    login_check(request)
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answered here in JSON; left set, AxesMiddleware would swap in its HTML lockout page.
        request.axes_locked_out = False
        login_failed(request)
        return Status(429, errors.error_body("locked_out", _("登录失败次数过多,请稍后再试。")))
    if user is None:
        login_failed(request)
        return Status(401, errors.error_body("invalid_credentials", _("账号或密码不正确。")))
    refused = twofactor.token_check(request=request, user=user, code=payload.otp)
    if refused is not None:
        return Status(401, errors.error_body(*refused, field="otp"))
    _token, raw = account_services.token_create(user=user, name="api")
    return Status(200, {"token": raw})


@auth_router.get("/tokens", response={200: list[TokenInfo], **ERRORS})
def token_list(request):
    return list(tokens_of(request.auth))


@auth_router.delete("/tokens/{token_id}", response={200: TokenInfo, **ERRORS})
def token_delete(request, token_id: int):
    token = get_object_or_404(tokens_of(request.auth), pk=token_id)
    return account_services.token_revoke(user=request.auth, token=token)


api.add_router("/auth", auth_router)


# Related rows an output schema reads that the resource's selector does not fetch itself.
PREFETCH = {"departments": ("communities",)}  # DepartmentOut.community_ids


def _visible(resource: Resource, user):
    """The resource's scoped queryset, ready to be serialised without a query per row."""
    return resource.selector(user).prefetch_related(*PREFETCH.get(resource.key, ()))


def _require_staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied


def _filters_schema(resource: Resource) -> type[Schema]:
    fields = {
        "q": (str | None, Field(None, max_length=100, description="search text")),
        "archived": (bool, Field(False, description="include archived records")),
        "limit": (int, Field(50, ge=1, le=200)),
        "cursor": (
            int | None,
            Field(None, ge=0, le=MAX_ID, description="next_cursor of the previous page"),
        ),
    }
    for name, lookup in resource.filters.items():
        kind = int if isinstance(lookup, str) and lookup.endswith("_id") else str
        fields[name] = (
            kind | None,
            Field(None, **({"ge": 0, "le": MAX_ID} if kind is int else {"max_length": 50})),
        )
    return create_model(f"{resource.key.title()}Filters", __base__=Schema, **fields)


def _export_schema(resource: Resource) -> type[Schema]:
    """The list's filters, without paging, plus the file format."""
    fields = {
        name: (info.annotation, info)
        for name, info in _filters_schema(resource).model_fields.items()
        if name not in ("limit", "cursor")
    }
    fields["format"] = (Literal[FORMATS], Field("xlsx", description="xlsx or csv"))
    return create_model(f"{resource.key.title()}Export", __base__=Schema, **fields)


def _page_schema(out: type[Schema]) -> type[Schema]:
    return create_model(
        f"{out.__name__}Page",
        __base__=Schema,
        items=(list[out], ...),
        next_cursor=(int | None, None),
    )


def _form_data(resource: Resource, instance, payload: dict) -> dict:
    data = {}
    if instance is not None:
        data = model_to_dict(instance, fields=list(resource.form.base_fields))
        if resource.key == "staff":
            data["username"] = instance.user.username
            data["posts"] = instance.post_list
        if resource.key == "residents":
            for name in ("phone", "id_number", "address"):
                data[name] = ""  # blank keeps the stored value, as on the edit page
    data.update(payload)
    return {k: v for k, v in data.items() if v is not None}


def _add_resource_routes(resource: Resource):
    out, payload_schema = SCHEMAS[resource.key]
    filters_schema = _filters_schema(resource)
    page_schema = _page_schema(out)
    patch_schema = create_model(
        f"{payload_schema.__name__}Patch",
        __base__=Schema,
        **{
            name: (info.annotation | None, Field(None, **_constraints(info)))
            for name, info in payload_schema.model_fields.items()
        },
    )
    router = Router(tags=[resource.key])
    singular = resource.key.rstrip("s") if resource.key != "staff" else "staff"

    @router.get("", response={200: page_schema, **ERRORS}, operation_id=f"{resource.key}_list")
    def list_records(request, filters: Query[filters_schema]):
        _require_staff(request)
        params = filters.model_dump()
        queryset = _visible(resource, request.auth)
        try:
            queryset, _applied = resource.apply_filters(
                queryset, {**params, "archived": "1" if params["archived"] else ""}
            )
        except ValueError as error:
            raise HttpError(422, f"invalid filter {error.args[0]}") from None
        queryset = resource.search(queryset, params.get("q") or "").order_by("-id")
        if params["cursor"] is not None:
            queryset = queryset.filter(id__lt=params["cursor"])
        rows = list(queryset[: params["limit"] + 1])
        more = len(rows) > params["limit"]
        rows = rows[: params["limit"]]
        return {"items": rows, "next_cursor": rows[-1].id if more else None}

    @router.get("/export", response={200: None, **ERRORS}, operation_id=f"{resource.key}_export")
    def export_records(request, filters: Query[_export_schema(resource)]):
        """The list as a file (XLSX, or CSV with `format=csv`) within your scope, for the
        posts the company settings allow to export; each export is in the access log."""
        _require_staff(request)
        property_services.require_export(request.auth)
        params = filters.model_dump()
        fmt = params.pop("format")
        params["archived"] = "1" if params["archived"] else ""
        try:
            return resource_export(user=request.auth, resource=resource, params=params, fmt=fmt)
        except ValueError as error:
            name = error.args[0]
            raise ValidationError({name: _("筛选条件“%(name)s”无效。") % {"name": name}}) from None

    @router.get("/{pk}", response={200: out, **ERRORS}, operation_id=f"{singular}_get")
    def get_record(request, pk: int):
        _require_staff(request)
        obj = property_selectors.get_visible(_visible(resource, request.auth), pk)
        if resource.log_access:
            record_opened(by=request.auth, obj=obj)
        return obj

    @router.post("", response={201: out, **ERRORS}, operation_id=f"{singular}_create")
    def create_record(request, payload: payload_schema):
        _require_staff(request)
        if not has_post(request.auth, *resource.write_posts):
            raise PermissionDenied
        form = resource.form(_form_data(resource, None, payload.model_dump()), user=request.auth)
        obj = record_save(by=request.auth, resource=resource, form=form)
        return Status(201, _visible(resource, request.auth).get(pk=obj.pk))

    @router.patch("/{pk}", response={200: out, **ERRORS}, operation_id=f"{singular}_update")
    def update_record(request, pk: int, payload: patch_schema):
        _require_staff(request)
        instance = property_selectors.get_visible(resource.selector(request.auth), pk)
        if not has_post(request.auth, *resource.write_posts):
            raise PermissionDenied
        data = _form_data(resource, instance, payload.model_dump(exclude_unset=True))
        form = resource.form(data, instance=instance, user=request.auth)
        record_save(by=request.auth, resource=resource, form=form)
        return _visible(resource, request.auth).get(pk=pk)

    if resource.archivable:

        @router.post(
            "/{pk}/archive", response={200: out, **ERRORS}, operation_id=f"{singular}_archive"
        )
        def archive_record(request, pk: int):
            _require_staff(request)
            instance = property_selectors.get_visible(resource.selector(request.auth), pk)
            record_archive(by=request.auth, resource=resource, instance=instance)
            return _visible(resource, request.auth).get(pk=pk)

    if resource.key == "residents":

        @router.post(
            "/{pk}/reveal", response={200: RevealOut, **ERRORS}, operation_id="resident_reveal"
        )
        def reveal(request, pk: int, payload: RevealIn):
            """Return one personal field in clear. Every call is written to the audit log."""
            _require_staff(request)
            resident = property_selectors.get_visible(resource.selector(request.auth), pk)
            value = property_services.resident_reveal(
                by=request.auth, resident=resident, field=payload.field
            )
            return {"field": payload.field, "value": value}

    api.add_router(f"/{resource.key}", router)


def _constraints(info) -> dict:
    """Carry max_length / ge / le of a create schema's field over to its PATCH twin."""
    kept = {}
    for meta in info.metadata:
        for attr in ("max_length", "ge", "le", "max_digits", "decimal_places"):
            value = getattr(meta, attr, None)
            if value is not None:
                kept[attr] = value
    return kept


def _add_fallback_route():
    """Any other path under /api/v1/ is a JSON 404 too, not the site's HTML page."""
    fallback = Router()

    @fallback.api_operation(
        ["GET", "POST", "PUT", "PATCH", "DELETE"],
        "/{path:rest}",
        auth=None,
        include_in_schema=False,
    )
    def unknown_path(request, rest: str):
        raise Http404

    @fallback.get("/", auth=None, include_in_schema=False)
    def root(request):
        """The API's own address answers with where its documents are."""
        return {
            "name": "WuyeDesk API",
            "version": api.version,
            "openapi": request.build_absolute_uri("openapi.json"),
            "docs": request.build_absolute_uri("docs"),
        }

    api.add_router("", fallback)  # last, so that it only catches what nothing else matched


def build():
    for key in SCHEMAS:
        _add_resource_routes(REGISTRY[key])
    _add_fallback_route()


# Before tickets_api: its GET /tickets/{pk} would catch /tickets/duplicates.
api.add_router("/tickets", intake_api.router)
api.add_router("/tickets", canned_api.ticket_router)
api.add_router("/canned-replies", canned_api.router)
api.add_router("/tickets", tickets_api.router)
api.add_router("/search", search_api.search_router)
api.add_router("/knowledge", knowledge_api.router)
api.add_router("/incidents", tickets_api.incident_router)
api.add_router("/tasks", tasks_api.router)
api.add_router("/mail", mailbox_api.router)
api.add_router("/telephony", telephony_api.router)
api.add_router("/notifications", notifications_api.router)
api.add_router("/surveys", surveys_api.router)
api.add_router("/improvements", improvements_api.router)
api.add_router("/data-quality", dataquality_api.router)
api.add_router("/archive", archive_api.router)
api.add_router("/workplans", workplans_api.router)
api.add_router("/workreports", workplans_api.report_router)
api.add_router("/rewards", rewards_api.router)
api.add_router("/training", training_api.router)
api.add_router("/supervision", supervision_api.router)
api.add_router("/appraisal", appraisal_api.router)
api.add_router("/meetings", meetings_api.router)
api.add_router("/staffing", staffing_api.router)
api.add_router("/notices", meetings_api.notice_router)
api.add_router("/recruitment", recruitment_api.router)
api.add_router("/reports", reports_api.router)
api.add_router("/portal", portal_api.router)
api.add_router("/system", system_api.router)
api.add_router("/home", system_api.home_router)
api.add_router("/company", company_api.router)
api.add_router("/policies", policies_api.router)
api.add_router("/two-factor", two_factor_api.router)
api.add_router("/audit", audit_api.router)
api.add_router("/policies/calendar", calendar_api.router)
api.add_router("/categories", category_api.router)
build()
