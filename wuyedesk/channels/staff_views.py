"""The staff pages of the portal: the sign-up queue (assistants, managers) and announcements
(managers, assistants, specialists of the community)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.channels import forms, selectors, services
from wuyedesk.channels.models import SignupStatus
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of


def _queue_page(request, *, failed=None, failed_form=None, status=200):
    pending = list(selectors.pending_signups(request.user).order_by("id")[:100])
    rows = [
        (
            s,
            failed_form
            if failed == s.pk
            else forms.SignupDecisionForm(user=request.user, signup=s, auto_id=f"s{s.pk}-%s"),
        )
        for s in pending
    ]
    decided = list(
        selectors.signups_visible_to(request.user)
        .filter(status__in=[SignupStatus.APPROVED, SignupStatus.REFUSED])
        .order_by("-decided_at", "-id")[:20]
    )
    return render(
        request,
        "channels/signup_queue.html",
        {"rows": rows, "decided": decided, "title": _("注册审核")},
        status=status,
    )


@staff_required
def signup_queue(request):
    selectors.require_signup_staff(request.user)
    return _queue_page(request)


@staff_required
@require_POST
def signup_decide(request, pk):
    signup = selectors.signup_get_for_user(request.user, pk)
    form = forms.SignupDecisionForm(
        request.POST, user=request.user, signup=signup, auto_id=f"s{signup.pk}-%s"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "refuse":
                services.signup_refuse(by=request.user, signup=signup, reason=data["reason"])
                messages.success(request, _("已拒绝该注册申请。"))
            else:
                services.signup_approve(
                    by=request.user,
                    signup=signup,
                    resident=data["resident"] if data["decision"] == "link" else None,
                    role=data.get("role") or "owner",
                )
                messages.success(request, _("已通过,账号已开通。"))
            return redirect("portal:signup_queue")
        except ValidationError as error:
            add_service_error(form, error)
    messages.error(request, _("未保存:请更正标出的错误。"))
    return _queue_page(request, failed=signup.pk, failed_form=form, status=422)


@staff_required
def announcement_list(request):
    selectors.require_announcement_reader(request.user)
    page = page_of(selectors.announcements_visible_to(request.user), request.GET.get("page"), 50)
    return render(
        request,
        "channels/announcements.html",
        {
            "page": page,
            "now": timezone.now(),
            "may_write": has_post(request.user, *selectors.ANNOUNCE_POSTS),
            "title": _("公告"),
        },
    )


@staff_required
def announcement_create(request):
    services.require_announcer(request.user)
    form = forms.AnnouncementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.announcement_create(
                by=request.user,
                community=data["community"],
                building=data["building"],
                title=data["title"],
                body=data["body"],
                publish_at=data["publish_at"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("公告已保存,发布时将同时发送邮件。"))
            return redirect("portal:announcements")
    return render(
        request,
        "channels/announcement_form.html",
        {"form": form, "title": _("新建公告")},
        status=422 if form.is_bound else 200,
    )


def _announcement(request, pk):
    """An announcement of the user's communities (404 for any other)."""
    return get_object_or_404(selectors.announcements_visible_to(request.user), pk=pk)


@staff_required
def announcement_edit(request, pk):
    """Correct an announcement (its text, scope, and publish time until it is published)."""
    announcement = _announcement(request, pk)
    services.require_announcer(request.user)
    form = forms.AnnouncementForm(
        request.POST or None, user=request.user, announcement=announcement
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.announcement_update(
                by=request.user,
                announcement=announcement,
                community=data["community"],
                building=data["building"],
                title=data["title"],
                body=data["body"],
                publish_at=data["publish_at"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("公告已修改。已发出的邮件不会重发。"))
            return redirect("portal:announcements")
    if form.is_bound:
        messages.error(request, _("未保存:请更正标出的错误。"))
    return render(
        request,
        "channels/announcement_form.html",
        {"form": form, "announcement": announcement, "title": _("修改公告")},
        status=422 if form.is_bound else 200,
    )


@staff_required
def announcement_withdraw(request, pk):
    """Withdraw an announcement: asks for the reason and says what will happen."""
    announcement = _announcement(request, pk)
    services.require_announcer(request.user)
    form = forms.AnnouncementWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_withdraw(
                by=request.user, announcement=announcement, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("公告已撤回,业主端不再显示。"))
            return redirect("portal:announcements")
    if form.is_bound:
        messages.error(request, _("未撤回:请更正标出的错误。"))
    return render(
        request,
        "channels/announcement_withdraw.html",
        {"form": form, "announcement": announcement, "title": _("撤回公告")},
        status=422 if form.is_bound else 200,
    )
