"""Improvement plans (SUR-3, MGR-3): one list of items from survey findings, complaints'
corrective measures, inspections and meetings, each followed until its effect is verified."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.improvements.choices import ItemStatus, Source

USER = settings.AUTH_USER_MODEL


class ImprovementItem(models.Model):
    title = models.CharField(_("标题"), max_length=120)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    # A complaint's corrective measure: the measure holds done/verified (see services.py).
    measure = models.OneToOneField(
        "tickets.CorrectiveMeasure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="improvement",
        verbose_name=_("整改措施"),
    )
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    # A survey finding: the campaign it came from and the dimension it is about.
    campaign = models.ForeignKey(
        "surveys.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("调查活动"),
    )
    dimension = models.ForeignKey(
        "surveys.Dimension",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("服务维度"),
    )
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    owner = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("负责人"),
    )
    measures = models.TextField(_("改进措施"))
    due = models.DateField(_("完成期限"))
    status = models.CharField(
        _("状态"), max_length=14, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification_note = models.TextField(_("验证说明"), blank=True)
    # Claimed by the reminder sweep (a conditional UPDATE), so that each notice goes out once.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    overdue_notified_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("改进事项")
        verbose_name_plural = pgettext_lazy("plural", "改进事项")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "due"], name="improvement_status_due_idx"),
            models.Index(fields=["department", "status"], name="improvement_dept_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class ImprovementUpdate(models.Model):
    """A progress update: what was done, by whom, when (and the status it moved to)."""

    item = models.ForeignKey(ImprovementItem, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("进展"))
    status = models.CharField(_("状态"), max_length=14, choices=ItemStatus.choices, blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("改进进展")
        verbose_name_plural = pgettext_lazy("plural", "改进进展")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.at:%Y-%m-%d}"
