"""Work plans (MGR-1): a period and scope, targets for figures the product computes, and
planned initiatives. Work reports (AST-2): a period's figures drafted from the data by the
worker, the assistant's commentary per section, submitted to the manager, approved (and
sent to the executives) or returned. The figures are computed, never typed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.workplans.choices import (
    Cadence,
    Comparison,
    PlanPeriod,
    PlanStatus,
    ReportEventKind,
    ReportStatus,
)

USER = settings.AUTH_USER_MODEL


class WorkPlan(models.Model):
    title = models.CharField(_("标题"), max_length=120)
    period = models.CharField(_("计划周期"), max_length=8, choices=PlanPeriod.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    # None: the whole company.
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = pgettext_lazy("plural", "工作计划")
        ordering = ["-start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="workplan_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Target(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("指标"), max_length=40)
    comparison = models.CharField(_("比较方向"), max_length=3, choices=Comparison.choices)
    value = models.DecimalField(_("目标值"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("工作目标")
        verbose_name_plural = pgettext_lazy("plural", "工作目标")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric"], name="workplan_target_once"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.comparison} {self.value}"


class Initiative(models.Model):
    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="initiatives")
    text = models.CharField(_("工作举措"), max_length=300)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("负责人")
    )
    due = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作举措")
        verbose_name_plural = pgettext_lazy("plural", "工作举措")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.text


class WorkReport(models.Model):
    cadence = models.CharField(_("报告类型"), max_length=10, choices=Cadence.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Whose view of the data the figures are (the person who asked for the draft, or the
    # department's company-wide manager for the periodic job).
    drafted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=dict, blank=True, editable=False)
    commentary = models.JSONField(_("各部分评述"), default=dict, blank=True)
    remarks = models.TextField(_("经理意见"), blank=True)
    # Drafting runs in the worker; the page shows its progress (steps done of steps).
    draft_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    drafted_at = models.DateTimeField(_("起草时间"), null=True, blank=True, editable=False)
    draft_step = models.PositiveSmallIntegerField(default=0, editable=False)
    draft_steps = models.PositiveSmallIntegerField(default=0, editable=False)
    draft_error = models.CharField(max_length=300, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("经理处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(upload_to="workreports/%Y/", blank=True)
    pdf_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("工作报告")
        verbose_name_plural = pgettext_lazy("plural", "工作报告")
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadence", "start", "community"], name="workreport_once_per_period"
            ),
            models.UniqueConstraint(
                fields=["cadence", "start"],
                condition=Q(community__isnull=True),
                name="workreport_company_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cadence_display()} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    @property
    def drafting(self) -> bool:
        return (
            self.draft_requested_at is not None and self.drafted_at is None and not self.draft_error
        )

    @property
    def draft_percent(self) -> int:
        return round(100 * self.draft_step / self.draft_steps) if self.draft_steps else 0

    @property
    def pdf_rendering(self) -> bool:
        return (
            self.pdf_requested_at is not None
            and self.pdf_rendered_at is None
            and not self.pdf_error
        )


class WorkReportEvent(models.Model):
    report = models.ForeignKey(WorkReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=12, choices=ReportEventKind.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("工作报告记录")
        verbose_name_plural = pgettext_lazy("plural", "工作报告记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
