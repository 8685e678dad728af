"""The numbers the regulation sets (POL-3), as versioned settings.

Each change writes a new version; the newest is in force. Deadlines are computed from
the version in force when the clock starts, so changing a setting never moves the
deadlines of tickets that already exist.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def default_manager_severities() -> list[str]:
    return ["normal", "major", "emergency"]


class PolicySettings(models.Model):
    created_at = models.DateTimeField(_("生效时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    inquiry_follow_up_hours = models.PositiveSmallIntegerField(
        _("咨询跟进时限(小时)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("INQ-4:从客户联系时起算。"),
    )
    complaint_investigation_hours = models.PositiveSmallIntegerField(
        _("投诉调查处理时限(小时)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("CMP-3:从上报经理时起算。"),
    )
    return_visit_hours = models.PositiveSmallIntegerField(
        _("回访时限(小时)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("CMP-5:从向客户反馈结果时起算。"),
    )
    return_visit_max_attempts = models.PositiveSmallIntegerField(
        _("回访最多尝试次数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    reminder_minutes = models.PositiveSmallIntegerField(
        _("到期前提醒(分钟)"),
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
    )
    complaint_notify_severities = models.JSONField(
        _("立即通知经理的投诉严重程度"),
        default=default_manager_severities,
        help_text=_("CMP-2:这些严重程度的投诉一经登记即通知经理。"),
    )
    attachment_max_mb = models.PositiveSmallIntegerField(
        _("附件大小上限(MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    closed_reply = models.CharField(
        _("已关闭工单收到客户回复时"),
        max_length=10,
        choices=[("reopen", _("重新打开工单")), ("refuse", _("拒收并请客户新建"))],
        default="reopen",
    )
    survey_every_months = models.PositiveSmallIntegerField(
        _("满意度调查周期(月)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("SUR-1:默认每季度一次。"),
    )
    survey_open_days = models.PositiveSmallIntegerField(
        _("调查开放天数"), default=30, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    survey_confidence = models.PositiveSmallIntegerField(
        _("抽样置信度(%)"), choices=[(90, "90%"), (95, "95%"), (99, "99%")], default=95
    )
    survey_margin_points = models.PositiveSmallIntegerField(
        _("抽样允许误差(百分点)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    survey_reminder_days = models.PositiveSmallIntegerField(
        _("调查邀请提醒(发出后天数)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    survey_phone_max_attempts = models.PositiveSmallIntegerField(
        _("电话调查最多拨打次数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    improvement_reminder_days = models.PositiveSmallIntegerField(
        _("改进事项到期前提醒(天)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("SUR-3:到期前提醒负责人,逾期通知经理。"),
    )

    class Meta:
        verbose_name = _("服务时限设置")
        verbose_name_plural = pgettext_lazy("plural", "服务时限设置")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d}"
