"""The canned replies' pages (issue #12 point 7): the list with create, edit and delete, and
the picker beside each reply box of the ticket page (filled for that ticket and box)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.tickets import canned, selectors
from wuyedesk.tickets.canned_forms import CannedReplyForm


def _require_use(user):
    if not canned.may_use(user):
        raise PermissionDenied


@staff_required
@require_GET
def canned_list(request):
    _require_use(request.user)
    replies = [
        (r, canned.may_edit(request.user, r))
        for r in canned.replies_listed_for(request.user).order_by("department_id", "title", "id")
    ]
    return render(
        request,
        "tickets/canned_list.html",
        {
            "replies": replies,
            "placeholders": canned.PLACEHOLDERS,
            "may_share": canned.may_edit_shared(request.user),
            "title": _("快捷回复"),
        },
    )


def _form_page(request, form, reply=None):
    return render(
        request,
        "tickets/canned_form.html",
        {
            "form": form,
            "reply": reply,
            "title": _("编辑快捷回复") if reply else _("新建快捷回复"),
        },
    )


@staff_required
def canned_create(request):
    _require_use(request.user)
    form = CannedReplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            canned.canned_create(
                by=request.user,
                title=data["title"],
                body=data["body"],
                department=data.get("department"),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("快捷回复已保存。"))
            return redirect("canned_list")
    return _form_page(request, form)


@staff_required
def canned_edit(request, pk):
    _require_use(request.user)
    reply = canned.reply_get_for_user(request.user, pk)
    if not canned.may_edit(request.user, reply):
        raise PermissionDenied
    initial = {"title": reply.title, "body": reply.body}
    form = CannedReplyForm(request.POST or None, user=request.user, reply=reply, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            canned.canned_update(
                by=request.user,
                reply=reply,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("快捷回复已保存。"))
            return redirect("canned_list")
    return _form_page(request, form, reply)


@staff_required
@require_POST
def canned_delete(request, pk):
    _require_use(request.user)
    reply = canned.reply_get_for_user(request.user, pk)
    canned.canned_delete(by=request.user, reply=reply)
    messages.success(request, _("快捷回复已删除。"))
    return redirect("canned_list")


@staff_required
@require_GET
def canned_for_ticket(request, pk):
    """The picker's list for one box of ticket `pk`: each reply filled for it."""
    _require_use(request.user)
    ticket = selectors.ticket_get_for_user(request.user, pk)
    try:
        replies = canned.filled_for_ticket(request.user, ticket, request.GET.get("box", "message"))
    except ValidationError:
        raise Http404 from None
    return render(
        request,
        "tickets/_canned_options.html",
        {"replies": replies, "target": request.GET.get("target", "")},
    )
