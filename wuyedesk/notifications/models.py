from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.lib.messages import shown


class Notification(models.Model):
    """An in-app notification; `key` makes a notification happen once per user and key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=30)
    text = models.CharField(_("内容"), max_length=300)
    # The text as a msgid and its parameters (lib/messages.py), rendered in the reader's
    # language when shown; empty on rows written before issue #12 point 9 (`text` is shown).
    message = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_once"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at", "-id"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def shown_text(self) -> str:
        """The text in the active language (the reader's)."""
        return shown(self.message, self.text)[:300]


class ResidentPreference(models.Model):
    """How a resident wants to hear about their tickets (issue #4 item 4). Without a row the
    defaults apply: the portal, and e-mail when they have an address."""

    resident = models.OneToOneField(
        "properties.Resident",
        on_delete=models.CASCADE,
        related_name="notice_preference",
        verbose_name=_("住户"),
    )
    portal = models.BooleanField(_("业主服务平台消息"), default=True)
    email = models.BooleanField(_("电子邮件"), default=True)
    webhook = models.BooleanField(_("短信/微信"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("住户通知偏好")
        verbose_name_plural = pgettext_lazy("plural", "住户通知偏好")

    def __str__(self) -> str:
        return str(self.resident_id)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    RETRYING = "retrying", _("等待重试")
    SENT = "sent", _("已送达网关")
    FAILED = "failed", _("发送失败")


class WebhookDelivery(models.Model):
    """One message to the SMS/WeChat gateway and how its delivery went. The payload is kept
    without the phone number: that is read from the resident's record at each attempt."""

    key = models.CharField(max_length=100, unique=True)
    event = models.CharField(_("事件"), max_length=30)
    resident = models.ForeignKey(
        "properties.Resident",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("住户"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("工单"),
    )
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_status = models.PositiveSmallIntegerField(_("网关响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信/微信推送记录")
        verbose_name_plural = pgettext_lazy("plural", "短信/微信推送记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "-id"], name="webhook_status_idx")]

    def __str__(self) -> str:
        return self.key
