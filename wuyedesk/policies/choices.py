from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """How serious a complaint is. The policy settings name the severities that notify the
    manager at once (CMP-2); tickets carry one (tickets.choices re-exports it)."""

    NORMAL = "normal", _("一般")
    MAJOR = "major", _("重大投诉")
    EMERGENCY = "emergency", _("突发事件")


class ClockStart(models.TextChoices):
    """The event a clock of the regulation starts from (issue #14 point 4)."""

    CONTACT = "contact", _("客户联系时间")
    RECORDED = "recorded", _("登记时间")
    REPORTED = "reported", _("上报经理时间")
    FEEDBACK = "feedback", _("反馈客户时间")
    DECISION = "decision", _("处理决定时间")
    REOPENED = "reopened", _("重新打开时间")  # not a setting: a reopened ticket's new round


class ClockHours(models.TextChoices):
    """How a clock counts its hours: around the clock, or only the company's service hours on
    working days (the calendar of holidays and 调休, plus the company's own days)."""

    CALENDAR = "calendar", _("自然小时")
    WORKING = "working", _("工作小时")


# Which start events each clock may use.
INQUIRY_STARTS = [ClockStart.CONTACT, ClockStart.RECORDED]
COMPLAINT_STARTS = [ClockStart.CONTACT, ClockStart.RECORDED, ClockStart.REPORTED]
RETURN_VISIT_STARTS = [ClockStart.FEEDBACK, ClockStart.DECISION]
