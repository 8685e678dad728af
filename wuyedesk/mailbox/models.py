"""The email channel: every mail that arrived (kept raw), every mail we sent, and where the
poller stopped in each mailbox."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.mailbox.choices import InboundStatus, OutboundKind, OutboundStatus

USER = settings.AUTH_USER_MODEL


class MailboxState(models.Model):
    """The last UID processed in one IMAP folder. A new UIDVALIDITY (the server renumbered
    the folder) starts again from the beginning; the Message-ID dedupe keeps that harmless."""

    mailbox = models.CharField(max_length=300, unique=True)
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    polled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.mailbox} {self.uidvalidity}:{self.last_uid}"


class InboundMail(models.Model):
    """One mail as it arrived. The raw bytes are stored before anything is parsed, so a mail
    that cannot be understood is still kept and shown to an assistant."""

    # The Message-ID, or "sha256:<hash of the raw bytes>" when it has none: the claim that
    # makes a mail delivered twice (or fetched by two pollers) count once.
    dedupe_key = models.CharField(max_length=255, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    mailbox = models.CharField(max_length=300, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    raw = models.FileField(upload_to="mail/inbound/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    status = models.CharField(
        _("状态"), max_length=16, choices=InboundStatus.choices, default=InboundStatus.NEW
    )
    attention = models.BooleanField(_("需要处理"), default=False)
    error = models.TextField(_("问题说明"), blank=True)
    problems = models.JSONField(default=list, blank=True)
    from_address = models.CharField(_("发件人"), max_length=254, blank=True)
    from_name = models.CharField(_("发件人名称"), max_length=200, blank=True)
    subject = models.CharField(_("主题"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    automated = models.BooleanField(_("自动邮件"), default=False)
    body_text = models.TextField(_("正文"), blank=True)
    # HTML as sent, after nh3 removed everything but harmless markup.
    body_html = models.TextField(blank=True)
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    resident = models.ForeignKey(
        "properties.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("住户"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_mails",
        verbose_name=_("工单"),
    )
    acknowledged_at = models.DateTimeField(_("确认回执时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("来信")
        verbose_name_plural = pgettext_lazy("plural", "来信")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["community", "-id"],
                name="inbound_attention_idx",
                condition=Q(attention=True),
            ),
            models.Index(fields=["ticket", "received_at"], name="inbound_ticket_idx"),
            models.Index(fields=["from_address"], name="inbound_from_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address} {self.subject}"


class OutboundMail(models.Model):
    """A mail we sent about a ticket, with the Message-ID we made, so replies thread back."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, related_name="outbound_mails"
    )
    inbound = models.ForeignKey(
        InboundMail, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    kind = models.CharField(_("类型"), max_length=20, default=OutboundKind.REPLY)
    message_id = models.CharField(max_length=255, unique=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    to_address = models.CharField(_("收件人"), max_length=254)
    subject = models.CharField(_("主题"), max_length=300)
    body = models.TextField(_("正文"))
    status = models.CharField(
        _("状态"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.PENDING
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("发信")
        verbose_name_plural = pgettext_lazy("plural", "发信")
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="outbound_ticket_idx")]
        constraints = [
            # One acknowledgement per inbound mail, however many pollers process it.
            models.UniqueConstraint(
                fields=["inbound"], condition=Q(kind="ack"), name="outbound_one_ack_per_mail"
            )
        ]

    def __str__(self) -> str:
        return f"{self.to_address} {self.subject}"

    @property
    def kind_label(self) -> str:
        return str(dict(OutboundKind.choices).get(self.kind, self.kind))


class SenderLink(models.Model):
    """An address an assistant linked to a resident (when the resident's record has no email
    or another one): later mails from it find the resident by this link."""

    address = models.CharField(_("邮箱地址"), max_length=254, unique=True)
    resident = models.ForeignKey(
        "properties.Resident", on_delete=models.CASCADE, related_name="+", verbose_name=_("住户")
    )
    linked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("发件地址关联")
        verbose_name_plural = pgettext_lazy("plural", "发件地址关联")

    def __str__(self) -> str:
        return self.address
