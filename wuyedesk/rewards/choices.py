from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    """The rewards (MGT-7) and penalties (MGT-8) of the regulation (6.3 奖惩制度)."""

    COMMENDATION = "commendation", _("表扬")
    MERIT = "merit", _("记功")
    BONUS = "bonus", _("奖金")
    PROMOTION = "promotion", _("晋升")
    WARNING = "warning", _("警告")
    DEMERIT = "demerit", _("记过")
    DEMOTION = "demotion", _("降级")
    DISMISSAL = "dismissal", _("辞退")


REWARDS = (MeasureKind.COMMENDATION, MeasureKind.MERIT, MeasureKind.BONUS, MeasureKind.PROMOTION)
PENALTIES = (MeasureKind.WARNING, MeasureKind.DEMERIT, MeasureKind.DEMOTION, MeasureKind.DISMISSAL)
# Kinds an executive approves after the manager, and whose appeals the executive decides.
EXECUTIVE_KINDS = (MeasureKind.BONUS, MeasureKind.DEMOTION, MeasureKind.DISMISSAL)


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("待经理审批")
    EXECUTIVE = "executive", _("待管理层审批")
    APPROVED = "approved", _("已生效")
    REJECTED = "rejected", _("未批准")
    APPEALED = "appealed", _("申诉处理中")
    REVOKED = "revoked", _("申诉成立,已撤销")


WAITING_STATES = (MeasureStatus.PROPOSED, MeasureStatus.EXECUTIVE)
# States in which a measure counts (the work reports, the staff profile's totals).
IN_EFFECT = (MeasureStatus.APPROVED, MeasureStatus.APPEALED)


class Source(models.TextChoices):
    MANAGER = "manager", _("经理提议")
    APPRAISAL = "appraisal", _("考核结果")


class AppealOutcome(models.TextChoices):
    NONE = "", _("无")
    ACCEPTED = "accepted", _("申诉成立")
    REJECTED = "rejected", _("申诉驳回")


class EventKind(models.TextChoices):
    PROPOSED = "proposed", _("提出")
    APPROVED = "approved", _("经理批准")
    EXECUTIVE_APPROVED = "exec_ok", _("管理层批准")
    REJECTED = "rejected", _("未批准")
    NOTIFIED = "notified", _("通知本人")
    APPEALED = "appealed", _("本人申诉")
    APPEAL_ACCEPTED = "appeal_ok", _("申诉成立")
    APPEAL_REJECTED = "appeal_no", _("申诉驳回")
