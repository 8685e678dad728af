"""The quarterly satisfaction report (SUR-2): prepared by the assistant, submitted to the
manager, who acknowledges it or returns it with remarks. Its PDF is rendered in the
background and stored as a file."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

USER = settings.AUTH_USER_MODEL


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交经理")
    ACKNOWLEDGED = "acknowledged", _("经理已确认")
    RETURNED = "returned", _("已退回修改")


class ReportEventKind(models.TextChoices):
    PREPARED = "prepared", _("开始编写")
    SAVED = "saved", _("保存评述")
    SUBMITTED = "submitted", _("提交经理")
    ACKNOWLEDGED = "acknowledged", _("经理确认")
    RETURNED = "returned", _("退回修改")
    PDF = "pdf", _("生成 PDF")


class QuarterlyReport(models.Model):
    campaign = models.OneToOneField(
        "surveys.Campaign",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("调查活动"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    comments = models.TextField(_("助理评述"), blank=True)
    remarks = models.TextField(_("经理意见"), blank=True)
    prepared_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("编写人")
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("经理处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The figures as submitted: what the manager acknowledged stays what it was.
    figures = models.JSONField(default=dict, blank=True, editable=False)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    pdf_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("季度满意度报告")
        verbose_name_plural = pgettext_lazy("plural", "季度满意度报告")
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.campaign)

    @property
    def pdf_rendering(self) -> bool:
        return (
            self.pdf_requested_at is not None
            and self.pdf_rendered_at is None
            and not self.pdf_error
        )


class ReportEvent(models.Model):
    report = models.ForeignKey(QuarterlyReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=14, choices=ReportEventKind.choices)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    text = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("报告记录")
        verbose_name_plural = pgettext_lazy("plural", "报告记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
