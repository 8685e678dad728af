"""Rewards and penalties (MGT-7, MGT-8): a proposal about one person (by the manager, or from
a published appraisal by the thresholds of the version in force), approved by the manager and,
for bonus, demotion and dismissal, by an executive; then notified to the person, who may
appeal within the window of the version in force; the appeal is decided with a reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.rewards.choices import (
    EXECUTIVE_KINDS,
    PENALTIES,
    AppealOutcome,
    EventKind,
    MeasureKind,
    MeasureStatus,
    Source,
)

USER = settings.AUTH_USER_MODEL


class Measure(models.Model):
    staff = models.ForeignKey(
        "accounts.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("员工")
    )
    kind = models.CharField(_("奖惩类型"), max_length=12, choices=MeasureKind.choices)
    amount = models.DecimalField(
        _("奖金金额(元)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    facts = models.TextField(_("事实经过"))
    reason = models.TextField(_("理由"))
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.MANAGER
    )
    # The records it rests on (optional): a ticket, a complaint (a ticket of kind
    # complaint), an inspection.
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相关工单"),
    )
    complaint = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相关投诉"),
    )
    inspection = models.ForeignKey(
        "supervision.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相关检查"),
    )
    # From the appraisal: the cycle and the score it rests on (the appraisal app's ids,
    # read through its selectors; one proposal per person, cycle and kind).
    appraisal_cycle = models.PositiveIntegerField(null=True, blank=True, editable=False)
    appraisal_score = models.DecimalField(
        _("考核得分"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("经理批准时间"), null=True, blank=True)
    executive_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    executive_at = models.DateTimeField(_("管理层批准时间"), null=True, blank=True)
    decided_remarks = models.TextField(_("审批意见"), blank=True)
    # When it took effect (the last approval) and until when the person may appeal.
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    appeal_until = models.DateTimeField(_("申诉截止"), null=True, blank=True)
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    appeal_outcome = models.CharField(
        _("申诉结果"), max_length=10, choices=AppealOutcome.choices, blank=True, default=""
    )
    appeal_remarks = models.TextField(_("申诉处理意见"), blank=True)
    appeal_decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(_("申诉处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("奖惩")
        verbose_name_plural = pgettext_lazy("plural", "奖惩")
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "kind"], name="measure_status_kind"),
            models.Index(fields=["staff", "-proposed_at"], name="measure_staff"),
            models.Index(fields=["effective_at"], name="measure_effective"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="bonus", amount__gt=0) | (~Q(kind="bonus") & Q(amount=None)),
                name="measure_amount_bonus_only",
            ),
            models.UniqueConstraint(
                fields=["staff", "appraisal_cycle", "kind"],
                condition=Q(appraisal_cycle__isnull=False),
                name="measure_once_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()}"

    @property
    def needs_executive(self) -> bool:
        return self.kind in EXECUTIVE_KINDS

    @property
    def is_penalty(self) -> bool:
        return self.kind in PENALTIES


class MeasureEvent(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=10, choices=EventKind.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("奖惩记录")
        verbose_name_plural = pgettext_lazy("plural", "奖惩记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.kind}"
