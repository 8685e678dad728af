"""Generic pages for the records described in each app's resources.py (core/resources.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.audit.services import record_opened
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.core.resources import REGISTRY, Resource, resolve_attr
from wuyedesk.lib.privacy import PERSONAL_FIELDS, search_params
from wuyedesk.properties.exports import resource_export
from wuyedesk.properties.records import record_archive, record_save
from wuyedesk.properties.selectors import get_visible
from wuyedesk.properties.services import may_export, require_export
from wuyedesk.properties.views import resident_context, room_context
from wuyedesk.rewards.selectors import history_of
from wuyedesk.tickets import selectors as tickets

PAGE_SIZE = 50


def _resource(key: str) -> Resource:
    try:
        return REGISTRY[key]
    except KeyError:
        raise Http404 from None


def _rows(resource, page_rows):
    return [
        (obj, [(column, resolve_attr(obj, column.attr)) for column in resource.columns])
        for obj in page_rows
    ]


@staff_required
@require_http_methods(["GET", "POST"])
def record_list(request, key):
    resource = _resource(key)
    params, query = search_params(request)
    queryset = resource.selector(request.user)
    try:
        queryset, applied = resource.apply_filters(queryset, params)
    except ValueError as error:
        messages.error(request, _("筛选条件“%(name)s”无效。") % {"name": error.args[0]})
        queryset, applied = resource.apply_filters(queryset.none(), {})
    q = params.get("q", "")
    queryset = resource.search(queryset, q)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/list.html",
        {
            "resource": resource,
            "page": page,
            "rows": _rows(resource, page.object_list),
            "q": q,
            "applied": applied,
            "query": query,
            "show_archived": params.get("archived") == "1",
            "can_write": has_post(request.user, *resource.write_posts),
            "can_export": may_export(request.user),
            "title": resource.verbose_name_plural,
        },
    )


@staff_required
def record_export(request, key, fmt="xlsx"):
    resource = _resource(key)
    require_export(request.user)
    try:
        return resource_export(user=request.user, resource=resource, params=request.GET, fmt=fmt)
    except ValueError as error:
        messages.error(request, _("筛选条件“%(name)s”无效。") % {"name": error.args[0]})
        return redirect("record_list", key=key)


def _template(resource, name):
    meta = resource.model._meta
    return select_template([f"{meta.app_label}/{meta.model_name}_{name}.html", f"core/{name}.html"])


def _form_page(request, resource, form, instance=None):
    return render(
        request,
        _template(resource, "form").template.name,
        {
            "resource": resource,
            "form": form,
            "object": instance,
            "title": (_("编辑%(name)s") if instance else _("新建%(name)s"))
            % {"name": resource.verbose_name},
        },
    )


def _save(request, resource, instance=None):
    if not has_post(request.user, *resource.write_posts):
        raise PermissionDenied
    initial = {k: v for k, v in request.GET.items() if k in resource.form.base_fields}
    if request.method != "POST":
        form = resource.form(instance=instance, initial=initial, user=request.user)
        return _form_page(request, resource, form, instance)
    form = resource.form(request.POST, instance=instance, user=request.user)
    try:
        obj = record_save(by=request.user, resource=resource, form=form)
    except FormInvalid as invalid:
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
        return _form_page(request, resource, invalid.form, instance)
    messages.success(request, _("已保存。"))
    return redirect("record_detail", key=resource.key, pk=obj.pk)


@staff_required
def record_create(request, key):
    return _save(request, _resource(key))


@staff_required
def record_edit(request, key, pk):
    resource = _resource(key)
    return _save(request, resource, get_visible(resource.selector(request.user), pk))


@staff_required
def record_detail(request, key, pk):
    resource = _resource(key)
    obj = get_visible(resource.selector(request.user), pk)
    if resource.log_access:
        record_opened(by=request.user, obj=obj)
    template = _template(resource, "detail")
    context = {
        "resource": resource,
        "object": obj,
        "title": str(obj),
        "can_write": has_post(request.user, *resource.write_posts),
        "fields": _detail_fields(resource, obj),
    }
    context.update(DETAIL_CONTEXT.get(key, lambda request, obj: {})(request, obj))
    return HttpResponse(template.render(context, request))


@staff_required
@require_POST
def record_archive_view(request, key, pk):
    resource = _resource(key)
    obj = get_visible(resource.selector(request.user), pk)
    archive = request.POST.get("restore") != "1"
    record_archive(by=request.user, resource=resource, instance=obj, archive=archive)
    messages.success(request, _("已归档。") if archive else _("已恢复。"))
    return redirect(reverse("record_detail", kwargs={"key": key, "pk": pk}))


def _detail_fields(resource, obj):
    """(label, value) of the form's fields, personal data left to the page's own section."""
    meta = resource.model._meta
    fields = []
    for field in [*meta.concrete_fields, *meta.many_to_many]:
        if field.name not in resource.form.base_fields or field.name in PERSONAL_FIELDS:
            continue
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif field.many_to_many:
            value = "、".join(str(o) for o in getattr(obj, field.name).all())
        else:
            value = getattr(obj, field.name)
        fields.append((field.verbose_name, value))
    return fields


# Rows of each kind the resident page shows; the ticket queue has the rest.
HISTORY_ROWS = 50


def _customer_360(user, resident) -> dict:
    """SPE-3: every ticket, contact and return visit of the resident and of their rooms."""
    history = tickets.tickets_of_resident(user, resident)
    visits = tickets.return_visits_of(history)
    return {
        "ticket_history": list(history[:HISTORY_ROWS]),
        "contact_history": list(tickets.contacts_of(history)[:HISTORY_ROWS]),
        "visit_history": list(visits[:HISTORY_ROWS]),
        "satisfaction_counts": tickets.satisfaction_counts(visits),
        "history_rows": HISTORY_ROWS,
    }


def _resident_page(request, resident) -> dict:
    return {**resident_context(request, resident), **_customer_360(request.user, resident)}


# Extra context for some detail pages: key -> function(request, obj) -> dict. The shell
# composes them: the resident page shows the properties app's part and the tickets' part.
def _staff_page(request, staff) -> dict:
    """The staff profile's rewards and penalties (MGT-7, MGT-8): those the reader may see
    (their own; a manager's department; executives all)."""
    rows = history_of(request.user, staff)
    return {"reward_history": None if rows is None else list(rows[:HISTORY_ROWS])}


DETAIL_CONTEXT = {"residents": _resident_page, "rooms": room_context, "staff": _staff_page}
