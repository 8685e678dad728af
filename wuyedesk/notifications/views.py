"""The notification centre: a person's own notifications, read one by one or all at once."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.lib.paging import page_of
from wuyedesk.notifications import selectors
from wuyedesk.notifications.services import notification_mark_read


@staff_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notifications_of(request.user).order_by("-id")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    query = "unread=1" if unread_only else ""
    return render(
        request,
        "notifications/list.html",
        {
            "page": page_of(notifications, request.GET.get("page"), 50),
            "query": query,
            "unread_only": unread_only,
            "title": _("通知"),
        },
    )


@staff_required
@require_POST
def notification_read(request, pk):
    """Mark one read; with `go`, continue to what it is about (a link inside this site)."""
    notification = selectors.notification_get_for_user(request.user, pk)
    notification_mark_read(user=request.user, notification=notification)
    link = notification.link
    # Only a path on this site: a stored link never sends anyone elsewhere.
    if request.POST.get("go") and link and url_has_allowed_host_and_scheme(link, None):
        return redirect(link)
    return redirect("notification_list")


@staff_required
@require_POST
def notification_read_all(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect("notification_list")
