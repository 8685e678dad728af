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


class VersionStatus(models.TextChoices):
    """Where a version of a policy document stands (POL-2). A version is edited in draft,
    discussed in consultation, submitted to company management, approved (waiting for its
    effective date) or returned, then in force, and superseded by the next one."""

    DRAFT = "draft", _("草稿")
    CONSULTATION = "consultation", _("征求意见中")
    SUBMITTED = "submitted", _("待审批")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准待生效")
    IN_FORCE = "in_force", _("现行有效")
    SUPERSEDED = "superseded", _("已被取代")


# A version in one of these states is being revised: one at a time per document.
IN_PROGRESS = (
    VersionStatus.DRAFT,
    VersionStatus.CONSULTATION,
    VersionStatus.SUBMITTED,
    VersionStatus.RETURNED,
    VersionStatus.APPROVED,
)
# Text and settings may change only in these states (an edit after the draft restarts review).
EDITABLE_STATES = (
    VersionStatus.DRAFT,
    VersionStatus.CONSULTATION,
    VersionStatus.SUBMITTED,
    VersionStatus.RETURNED,
)
# Approved, in force or superseded: part of the record, read-only.
DECIDED_STATES = (VersionStatus.APPROVED, VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED)


class Audience(models.TextChoices):
    """Who must read and acknowledge a document's version in force."""

    CUSTOMER_SERVICE = "customer_service", _("客服部门全体岗位")
    ALL_STAFF = "all_staff", _("全体员工")


class EvaluationStatus(models.TextChoices):
    OPEN = "open", _("评估中")
    CONCLUDED = "concluded", _("已结论")


class EvaluationDecision(models.TextChoices):
    KEEP = "keep", _("继续执行,不修订")
    REVISE = "revise", _("启动修订")
