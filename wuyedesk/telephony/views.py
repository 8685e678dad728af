"""The call log pages, the screen pop every staff page polls, and the telephony settings.

No phone number travels in a URL: the intake opens from a call with `?call=<pk>` and reads the
number from the call record, within the user's scope.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuyedesk.accounts.access import has_post, is_staff_member, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.properties.lookup import contact_lookup
from wuyedesk.properties.services import may_reveal
from wuyedesk.telephony import selectors, services
from wuyedesk.telephony.choices import CallOutcome, Direction, Purpose
from wuyedesk.telephony.forms import CallLinkForm, CallLogForm, ExtensionForm, IntegrationForm
from wuyedesk.tickets.choices import OPEN_STATUSES
from wuyedesk.tickets.selectors import tickets_visible_to

STOP_POLLING = 286  # htmx: stop polling
# Open tickets the pop lists for the caller.
POP_TICKETS = 5


@staff_required
def call_list(request):
    calls = selectors.calls_visible_to(request.user)
    calls, applied = selectors.filter_calls(calls, request.GET)
    if applied.get("mine"):
        calls = calls.filter(staff=request.user)
    calls = calls.select_related("staff__staff", "resident", "ticket", "community").order_by(
        "-started_at", "-id"
    )
    query = "&".join(f"{k}={v}" for k, v in applied.items())
    return render(
        request,
        "telephony/list.html",
        {
            "page": page_of(calls, request.GET.get("page"), 50),
            "query": query,
            "applied": applied,
            "may_log": has_post(request.user, *services.LOG_POSTS),
            "may_admin": has_post(request.user, Post.ADMIN),
            "filters": _filter_choices(),
            "title": _("通话记录"),
        },
    )


def _filter_choices():
    return [
        ("direction", _("方向"), Direction.choices),
        ("purpose", _("目的"), Purpose.choices),
        ("outcome", _("结果"), CallOutcome.choices),
    ]


@staff_required
def call_new(request):
    if not has_post(request.user, *services.LOG_POSTS):
        raise PermissionDenied
    initial = {}
    if "ticket" in request.GET:
        initial["ticket"] = request.GET["ticket"][:20]
    if request.GET.get("purpose"):
        initial["purpose"] = request.GET["purpose"][:12]
    form = CallLogForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                call = services.call_log(by=request.user, **form.call_fields())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("通话已记录。"))
                return redirect("call_detail", pk=call.pk)
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(request, "telephony/form.html", {"form": form, "title": _("记录通话")})


@staff_required
def call_detail(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    form = CallLinkForm(
        request.POST or None,
        user=request.user,
        initial={"ticket": call.ticket.number if call.ticket_id else "", "notes": call.notes},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.call_link(
                    by=request.user,
                    call=call,
                    ticket=data["ticket"],
                    notes=data["notes"],
                    outcome=data["outcome"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect("call_detail", pk=call.pk)
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(
        request,
        "telephony/detail.html",
        {
            "call": call,
            "form": form,
            "may_reveal": may_reveal(request.user),
            "title": _("通话详情"),
        },
    )


@staff_required
@require_POST
def call_reveal(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    value = services.call_reveal(by=request.user, call=call)
    return render(request, "properties/_revealed.html", {"value": value})


@require_GET
def call_pop(request):
    """The screen pop, polled by every staff page of a person with an extension. The browser
    sends the state it shows; while nothing changed the answer is an empty 204 after one
    indexed query, so polling every 1.5 s stays cheap."""
    if not request.user.is_authenticated or not is_staff_member(request.user):
        # 286 stops htmx's polling: a page left open after its session expired must not
        # swap the login page into the pop area.
        return HttpResponse(status=STOP_POLLING)
    state = selectors.pop_state(request.user)
    key = f"{state[0]}-{int(state[1])}" if state else "none"
    if request.GET.get("shown") == key:
        return HttpResponse(status=204)
    context = {"key": key, "call": None}
    if state:
        call = selectors.call_get_for_user(request.user, state[0])
        lookup = contact_lookup(request.user, call.number)

        residents = lookup.residents
        tickets = []
        if residents:
            tickets = list(
                tickets_visible_to(request.user)
                .filter(resident__in=[r.pk for r in residents], status__in=OPEN_STATUSES)
                .order_by("-id")[:POP_TICKETS]
            )
        context.update(call=call, residents=residents, tickets=tickets)
    return render(request, "telephony/_pop.html", context)


@staff_required
@require_POST
def call_pop_dismiss(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    services.call_dismiss(by=request.user, call=call)
    return render(request, "telephony/_pop.html", {"key": "none", "call": None})


@staff_required
def my_extension(request):
    staff = staff_of(request.user)
    if staff is None:
        raise PermissionDenied
    form = ExtensionForm(request.POST or None, initial={"extension": staff.extension})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.extension_set(by=request.user, extension=form.cleaned_data["extension"])
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("分机号已保存。"))
                return redirect("call_extension")
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(request, "telephony/extension.html", {"form": form, "title": _("我的分机")})


@staff_required
def integrations(request):
    if not has_post(request.user, Post.ADMIN):
        raise PermissionDenied
    form = IntegrationForm(request.POST or None)
    raw = None
    if request.method == "POST":
        if form.is_valid():
            try:
                _integration, raw = services.integration_create(
                    by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("令牌已创建。请立即复制,它不会再次显示。"))
                form = IntegrationForm()
        else:
            messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(
        request,
        "telephony/integrations.html",
        {
            "form": form,
            "raw": raw,
            "integrations": selectors.integrations(),
            "title": _("电话系统接入"),
        },
    )


@staff_required
@require_POST
def integration_revoke(request, pk):
    if not has_post(request.user, Post.ADMIN):
        raise PermissionDenied
    integration = get_object_or_404(selectors.integrations(), pk=pk)
    services.integration_revoke(by=request.user, integration=integration)
    messages.success(request, _("令牌已吊销。"))
    return redirect("call_integrations")
