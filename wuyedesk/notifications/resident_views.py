"""The resident's side of notifications, in the portal: their notices and their channels."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import resident_required, staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.core.forms import CleanTextMixin
from wuyedesk.lib.paging import page_of
from wuyedesk.notifications import residents
from wuyedesk.notifications.models import DeliveryStatus, WebhookDelivery
from wuyedesk.notifications.services import notification_mark_read


class PreferencesForm(CleanTextMixin, forms.Form):
    portal = forms.BooleanField(label=gettext_lazy("业主服务平台消息"), required=False)
    email = forms.BooleanField(label=gettext_lazy("电子邮件"), required=False)
    webhook = forms.BooleanField(label=gettext_lazy("短信/微信"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-check-input"


@resident_required
def notice_list(request):
    page = page_of(residents.resident_notifications(request.user), request.GET.get("page"), 30)
    unread = [n.pk for n in page.object_list if n.read_at is None]
    response = render(
        request,
        "notifications/portal_list.html",
        {"page": page, "unread": set(unread), "query": "", "title": _("我的消息")},
    )
    if unread:  # seen now; the page shows which were new
        notification_mark_read(user=request.user, ids=unread)
    return response


@resident_required
def preferences(request):
    resident = request.user.resident
    form = PreferencesForm(request.POST or None, initial=residents.preferences_of(resident))
    if request.method == "POST":
        if form.is_valid():
            try:
                residents.preferences_update(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("通知方式已保存。"))
                return redirect("portal:notification_preferences")
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(
        request,
        "notifications/portal_preferences.html",
        {
            "form": form,
            "has_email": bool(resident.email),
            "webhook_enabled": residents.webhook_enabled(),
            "title": _("通知方式"),
        },
    )


@staff_required
def deliveries(request):
    """The SMS/WeChat delivery log, for administrators."""
    if not has_post(request.user, Post.ADMIN):
        raise PermissionDenied
    rows = WebhookDelivery.objects.select_related("ticket", "resident").order_by("-id")
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    if request.method == "POST":
        delivery = WebhookDelivery.objects.filter(pk=_int(request.POST.get("resend"))).first()
        if delivery is not None:
            try:
                residents.delivery_resend(by=request.user, delivery=delivery)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("已重新排队发送。"))
        return redirect(request.get_full_path())
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": page_of(rows, request.GET.get("page"), 50),
            "status": status,
            "statuses": DeliveryStatus.choices,
            "query": f"status={status}" if status else "",
            "webhook_url_set": residents.webhook_enabled(),
            "title": _("短信/微信推送记录"),
        },
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
