"""/api/v1/telephony: the PBX's two screen-pop endpoints (integration token) and the call log
for staff (their own bearer token).

The PBX reports a ringing call with `POST /calls` and its hang-up with
`POST /calls/{call_id}/end` (docs/telephony.md). Errors are JSON with `field` and `code`.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from wuyedesk.accounts.access import is_staff_member, staff_of
from wuyedesk.api.schemas import MAX_ID, ErrorOut
from wuyedesk.properties.selectors import residents_visible_to
from wuyedesk.telephony import selectors, services
from wuyedesk.telephony.choices import CallOutcome, Direction, Purpose
from wuyedesk.tickets.selectors import tickets_visible_to

router = Router(tags=["telephony"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class IntegrationAuth(HttpBearer):
    """`Authorization: Bearer wdt_…`: a telephony integration token, good for nothing else."""

    def authenticate(self, request, token):
        return services.integration_authenticate(token)


class CallIn(Schema):
    caller: str = Field(..., max_length=40, description="the caller's number as the PBX has it")
    extension: str = Field("", max_length=20, description="the extension that rings")
    call_id: str = Field(..., min_length=1, max_length=64, description="the PBX's call id")
    started_at: dt.datetime | None = Field(None, description="when it started ringing (ISO 8601)")


class CallEndIn(Schema):
    ended_at: dt.datetime | None = Field(None, description="hang-up time; default: now")
    answered: bool | None = Field(None, description="whether the call was answered")
    recording_url: str | None = Field(
        None,
        max_length=500,
        description="the PBX's http(s) link to the call's recording, if it keeps one; "
        "may also come in a later report of the same call",
    )


class PopOut(Schema):
    id: int
    call_id: str
    popped: bool = Field(..., description="a staff member is on that extension and sees it")
    resident_found: bool
    note: str = ""


class CallEndOut(Schema):
    id: int
    call_id: str
    duration: int | None
    ended_at: dt.datetime | None


class CallOut(Schema):
    id: int
    direction: str
    purpose: str
    outcome: str
    number: str = Field(..., alias="masked_number", description="masked")
    extension: str
    staff_id: int | None
    started_at: dt.datetime
    ended_at: dt.datetime | None
    duration: int | None
    answered: bool
    recording_url: str
    notes: str
    resident_id: int | None
    ticket_id: int | None
    community_id: int | None


class CallLogIn(Schema):
    direction: Direction = Direction.OUTBOUND
    purpose: Purpose = Purpose.GENERAL
    outcome: CallOutcome
    started_at: dt.datetime
    duration: int | None = Field(None, ge=0, le=86400, description="seconds")
    number: str = Field("", max_length=40, description="blank: the resident's number")
    notes: str = Field("", max_length=5000)
    ticket_id: int | None = Field(None, ge=1, le=MAX_ID)
    resident_id: int | None = Field(None, ge=1, le=MAX_ID)
    satisfaction: str = Field("", max_length=20, description="return visits reached")


class CallFilters(Schema):
    direction: str | None = Field(None, max_length=3)
    purpose: str | None = Field(None, max_length=12)
    outcome: str | None = Field(None, max_length=12)
    since: str | None = Field(None, max_length=10, description="YYYY-MM-DD (Beijing time)")
    until: str | None = Field(None, max_length=10)
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


class CallPage(Schema):
    items: list[CallOut]
    next_cursor: int | None = None


def _as_caller(error: ValidationError) -> ValidationError:
    if hasattr(error, "error_dict") and "number" in error.error_dict:
        return ValidationError({"caller": error.error_dict["number"]})
    return error


@router.post(
    "/calls",
    auth=IntegrationAuth(),
    response={200: PopOut, 201: PopOut, 202: PopOut, 401: ErrorOut, 422: ErrorOut},
)
def call_ringing(request, payload: CallIn):
    """A ringing inbound call (PBX). 201: stored and popped; 202: stored, nobody on that
    extension; 200: that call id was reported before (nothing changes)."""
    try:
        call, created = services.call_receive(
            integration=request.auth,
            number=payload.caller,
            extension=payload.extension,
            external_id=payload.call_id,
            started_at=payload.started_at,
        )
    except ValidationError as error:
        raise _as_caller(error) from None
    body = {
        "id": call.pk,
        "call_id": call.external_id,
        "popped": call.staff_id is not None,
        "resident_found": call.resident_id is not None,
    }
    if not created:
        return Status(200, {**body, "note": _("该通话已登记。")})
    if call.staff_id is None:
        return Status(202, {**body, "note": _("没有员工使用该分机,通话已记录但未弹屏。")})
    return Status(201, body)


@router.post(
    "/calls/{call_id}/end",
    auth=IntegrationAuth(),
    response={200: CallEndOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def call_hangup(request, call_id: str, payload: CallEndIn | None = None):
    """The call ended (PBX): its end time and duration are recorded once."""
    payload = payload or CallEndIn()
    call = services.call_end(
        integration=request.auth,
        external_id=call_id[:64],
        ended_at=payload.ended_at,
        answered=payload.answered,
        recording_url=payload.recording_url,
    )
    return {
        "id": call.pk,
        "call_id": call.external_id,
        "duration": call.duration,
        "ended_at": call.ended_at,
    }


def _require_staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied


@router.get("/log", response={200: CallPage, **ERRORS})
def call_list(request, filters: Query[CallFilters]):
    """The call log the caller may see, newest first."""
    _require_staff(request)
    params = filters.model_dump()
    queryset, _applied = selectors.filter_calls(selectors.calls_visible_to(request.auth), params)
    queryset = queryset.order_by("-id")
    if params["cursor"] is not None:
        queryset = queryset.filter(id__lt=params["cursor"])
    rows = list(queryset[: params["limit"] + 1])
    more = len(rows) > params["limit"]
    rows = rows[: params["limit"]]
    return {"items": rows, "next_cursor": rows[-1].id if more else None}


@router.get("/log/{pk}", response={200: CallOut, **ERRORS})
def call_get(request, pk: int):
    _require_staff(request)
    return selectors.call_get_for_user(request.auth, pk)


def _pick(queryset, pk, field):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        message = _("找不到该记录,或不在您的权限范围内。")
        raise ValidationError({field: ValidationError(message, code="invalid_choice")})
    return found


@router.post("/log", response={201: CallOut, **ERRORS})
def call_log(request, payload: CallLogIn):
    """Log a call by hand. `purpose` follow_up / return_visit records that contact on the
    ticket too, so it meets the follow-up or return-visit deadline."""
    _require_staff(request)
    data = payload.model_dump()
    call = services.call_log(
        by=request.auth,
        direction=data["direction"],
        purpose=data["purpose"],
        outcome=data["outcome"],
        started_at=data["started_at"],
        duration=data["duration"],
        number=data["number"],
        notes=data["notes"],
        ticket=_pick(tickets_visible_to(request.auth), data["ticket_id"], "ticket_id"),
        resident=_pick(residents_visible_to(request.auth), data["resident_id"], "resident_id"),
        satisfaction=data["satisfaction"],
    )
    return Status(201, call)


class ExtensionIO(Schema):
    extension: str = Field(..., max_length=10, description="2–10 digits; empty: no screen pop")


@router.get("/extension", response={200: ExtensionIO, **ERRORS})
def extension_get(request):
    """The caller's own extension (the screen pop finds them by it)."""
    staff = staff_of(request.auth)
    if staff is None:
        raise PermissionDenied
    return {"extension": staff.extension}


@router.put("/extension", response={200: ExtensionIO, **ERRORS})
def extension_put(request, payload: ExtensionIO):
    """Set one's own extension; one another active colleague has is refused (422, `taken`)."""
    staff = services.extension_set(by=request.auth, extension=payload.extension)
    return {"extension": staff.extension}
