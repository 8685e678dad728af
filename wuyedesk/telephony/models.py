"""The call log (SPE-1, SPE-2, CMP-5) and the integration tokens a PBX reports calls with.

A staff member's extension is `accounts.Staff.extension` (set on the staff page by an
administrator, or by the person on the "my extension" page): one field, not a second copy.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.lib.privacy import mask_phone
from wuyedesk.telephony.choices import CallOutcome, Direction, Purpose

USER = settings.AUTH_USER_MODEL


class Call(models.Model):
    """One phone call. `number` is personal data: stored normalised, shown masked."""

    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    source = models.CharField(_("来源"), max_length=40)
    external_id = models.CharField(_("通话编号"), max_length=64, blank=True)
    number = models.CharField(_("电话"), max_length=20)
    extension = models.CharField(_("分机号"), max_length=10, blank=True)
    staff = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("接听/拨打人"),
    )
    started_at = models.DateTimeField(_("开始时间"))
    answered = models.BooleanField(_("已接通"), default=False)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("时长(秒)"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=CallOutcome.choices, blank=True)
    purpose = models.CharField(
        _("目的"), max_length=12, choices=Purpose.choices, default=Purpose.GENERAL
    )
    notes = models.TextField(_("备注"), blank=True)
    recording_url = models.URLField(
        _("录音链接"),
        max_length=500,
        blank=True,
        help_text=_("电话系统提供的通话录音地址(若有)。"),
    )
    resident = models.ForeignKey(
        "properties.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("住户"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("工单"),
    )
    # Whose staff may see it: the ticket's community, else the matched resident's.
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    # The screen pop on the staff member's pages stays until they close it.
    pop_open = models.BooleanField(default=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("通话记录")
        verbose_name_plural = pgettext_lazy("plural", "通话记录")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="call_external_id_once",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="call_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "-started_at"], name="call_staff_idx"),
            models.Index(fields=["community", "-started_at"], name="call_community_idx"),
            models.Index(fields=["-started_at", "-id"], name="call_recent_idx"),
            # The screen-pop poll: one indexed lookup per staff member every ~1.5 s.
            models.Index(
                fields=["staff", "-id"], condition=models.Q(pop_open=True), name="call_pop_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask_phone(self.number)

    @property
    def duration_text(self) -> str:
        if self.duration is None:
            return ""
        minutes, seconds = divmod(self.duration, 60)
        return f"{minutes}:{seconds:02d}"


class Integration(models.Model):
    """A PBX's credential for the screen-pop endpoints. Only the SHA-256 of the token is kept;
    the raw value is shown once. It authenticates nothing but /api/v1/telephony/calls."""

    name = models.CharField(_("名称"), max_length=60)
    source = models.SlugField(
        _("来源标识"),
        max_length=40,
        help_text=_("电话系统的标识,如 asterisk-hq;通话编号在同一来源内唯一。更换令牌时沿用。"),
    )
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("电话系统接入令牌")
        verbose_name_plural = pgettext_lazy("plural", "电话系统接入令牌")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
