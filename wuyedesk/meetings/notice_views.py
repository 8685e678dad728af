"""Pages of internal notices (AST-5): the list (?unread=1: what I have not read), the
manager's and assistant's form, a notice with its read receipts, "I have read it"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.meetings import notices, selectors
from wuyedesk.meetings.forms import NoticeForm


def _query(request) -> str:
    """The list's filters, for the pager's links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@staff_required
def notice_list(request):
    user = request.user
    unread = request.GET.get("unread") == "1"
    rows = selectors.unread_notices_of(user) if unread else selectors.notices_visible_to(user)
    page = page_of(
        rows.select_related("department", "community", "created_by__staff").order_by(
            "-created_at", "-id"
        ),
        request.GET.get("page"),
        50,
    )
    return render(
        request,
        "meetings/notices.html",
        {
            "page": page,
            "query": _query(request),
            "unread": unread,
            "may_send": notices.may_send(user),
            "title": _("内部通知"),
        },
    )


@staff_required
def notice_create(request):
    if not notices.may_send(request.user):
        raise PermissionDenied
    form = NoticeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            notice = notices.notice_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已发布通知。"))
            return redirect("meetings:notice_detail", pk=notice.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(request, "meetings/form.html", {"form": form, "title": _("发布内部通知")})


@staff_required
def notice_detail(request, pk):
    user = request.user
    notice = selectors.notice_get_for_user(user, pk)
    receipts = list(selectors.receipts_of(notice))
    sees_receipts = notice.created_by_id == user.pk or notices.may_send(user)
    return render(
        request,
        "meetings/notice_detail.html",
        {
            "notice": notice,
            "mine": next((r for r in receipts if r.user_id == user.pk), None),
            "read": [r for r in receipts if r.read_at] if sees_receipts else [],
            "unread": [r for r in receipts if not r.read_at] if sees_receipts else [],
            "sees_receipts": sees_receipts,
            "title": notice.title,
        },
    )


@staff_required
@require_POST
def notice_read(request, pk):
    notice = selectors.notice_get_for_user(request.user, pk)
    notices.notice_read(by=request.user, notice=notice)
    messages.success(request, _("已确认阅读。"))
    return redirect("meetings:notice_detail", pk=notice.pk)
