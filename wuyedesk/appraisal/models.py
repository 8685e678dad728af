"""The quarterly appraisal (MGT-6, MGT-9, SUP-2): a cycle per quarter with the weights of the
version in force when it opened, each person's appraisal, the records behind each score,
disputes and the history of every change."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.appraisal.choices import (
    GROUPED,
    Band,
    Component,
    Criterion,
    CycleStatus,
    DisputeStatus,
    Event,
    Status,
)

USER = settings.AUTH_USER_MODEL


class Cycle(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    # The version of the regulation in force when the cycle opened: its weights, bands and
    # dispute window apply to this cycle, whatever later versions say.
    settings = models.ForeignKey(
        "policies.PolicySettings", on_delete=models.PROTECT, related_name="+"
    )
    weights = models.JSONField(_("权重"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.COMPUTING
    )
    progress_done = models.PositiveIntegerField(default=0, editable=False)
    progress_total = models.PositiveIntegerField(default=0, editable=False)
    error = models.CharField(max_length=300, blank=True, editable=False)
    opened_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("开启时间"), default=timezone.now)
    computed_at = models.DateTimeField(_("计算完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核周期")
        verbose_name_plural = pgettext_lazy("plural", "考核周期")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="appraisal_cycle_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


class Appraisal(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="appraisals")
    person = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # The person's department when the cycle was computed (the reviewing manager's scope).
    department = models.ForeignKey(
        "properties.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    scores = models.JSONField(_("各项得分"), default=dict)
    parts = models.JSONField(_("各分项得分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1, null=True, blank=True)
    band = models.CharField(_("等级"), max_length=10, choices=Band.choices, blank=True)
    self_assessment = models.TextField(_("自我评价"), blank=True)
    self_assessed_at = models.DateTimeField(_("自评时间"), null=True, blank=True)
    manager_rating = models.PositiveSmallIntegerField(_("经理评分"), null=True, blank=True)
    manager_reason = models.TextField(_("评分理由"), blank=True)
    review_comment = models.TextField(_("评审意见"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("评审时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    dispute_until = models.DateTimeField(_("申诉截止"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = pgettext_lazy("plural", "考核结果")
        ordering = ["cycle", "person__staff__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="appraisal_once_per_cycle")
        ]
        indexes = [models.Index(fields=["person", "status"], name="appraisal_person_idx")]

    def __str__(self) -> str:
        return f"{self.cycle} / {self.person_id}"

    @property
    def locked(self) -> bool:
        return self.status == Status.PUBLISHED


class Item(models.Model):
    """One record behind a score (a ticket, a rating, a return visit, an inspection, an
    attendance or training summary…) and the value it counts with."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="items")
    criterion = models.CharField(_("考核项"), max_length=12, choices=Criterion.choices)
    component = models.CharField(_("分项"), max_length=16, choices=Component.choices)
    ref_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(_("记录"), max_length=120)
    at = models.DateTimeField(_("时间"), null=True, blank=True)
    value = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    # A row may stand for several records of the same value (the tickets that met every
    # deadline, the inquiries resolved at first contact): how many, and [[id, label], …].
    count = models.PositiveIntegerField(_("记录数"), default=1)
    refs = models.JSONField(default=list, blank=True)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    excluded = models.BooleanField(_("已剔除"), default=False)
    adjusted = models.DecimalField(
        _("调整后分值"), max_digits=6, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("考核依据")
        verbose_name_plural = pgettext_lazy("plural", "考核依据")
        ordering = ["appraisal", "component", "at", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def grouped(self) -> bool:
        """A row standing for several records (its refs), not one record."""
        return self.ref_id is None and self.component in GROUPED

    @property
    def counted(self):
        if self.excluded:
            return None
        return self.adjusted if self.adjusted is not None else self.value


class Dispute(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="disputes")
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, null=True, blank=True, related_name="disputes"
    )
    # One record of a row standing for several (a ticket among the row's refs).
    ref_id = models.PositiveBigIntegerField(null=True, blank=True)
    ref_label = models.CharField(max_length=120, blank=True)
    comment = models.TextField(_("申诉理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    answer = models.TextField(_("答复理由"), blank=True)
    adjusted = models.DecimalField(
        _("调整后分值"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(_("申诉时间"), default=timezone.now)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核申诉")
        verbose_name_plural = pgettext_lazy("plural", "考核申诉")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "appraisal"], name="appraisal_dispute_idx")]

    def __str__(self) -> str:
        return f"{self.appraisal_id} #{self.pk}"


class Change(models.Model):
    """The history of an appraisal: each step with the total before and after and why."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="changes")
    event = models.CharField(_("事项"), max_length=10, choices=Event.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    before = models.DecimalField(_("变更前"), max_digits=5, decimal_places=1, null=True)
    after = models.DecimalField(_("变更后"), max_digits=5, decimal_places=1, null=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("考核记录")
        verbose_name_plural = pgettext_lazy("plural", "考核记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.appraisal_id} {self.event}"
