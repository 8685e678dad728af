from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.policies.choices import Severity  # noqa: F401  (the policy settings name severities)


class Kind(models.TextChoices):
    INQUIRY = "inquiry", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    REPAIR = "repair", _("报修")
    SUGGESTION = "suggestion", _("建议")


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    EMAIL = "email", _("邮件")
    PORTAL = "portal", _("业主服务平台")
    WALK_IN = "walk_in", _("来访")
    API = "api", _("接口")


class Status(models.TextChoices):
    OPEN = "open", _("待处理")
    TRANSFERRED = "transferred", _("已转部门")
    INVESTIGATING = "investigating", _("调查处理中")
    AWAITING_FEEDBACK = "awaiting_feedback", _("待反馈客户")
    AWAITING_RETURN_VISIT = "awaiting_return_visit", _("待回访")
    RESOLVED = "resolved", _("待关闭")
    CLOSED = "closed", _("已关闭")


OPEN_STATUSES = [s for s in Status.values if s != Status.CLOSED]


class CustomerStage(models.TextChoices):
    """Where a ticket is, as its customer is told (the portal, the portal API): four words a
    resident understands instead of the desk's statuses (issue #12 point 8).
    tickets.selectors.customer_stage decides it."""

    RECEIVED = "received", pgettext_lazy("业主看到的进度", "已受理")
    IN_PROGRESS = "in_progress", pgettext_lazy("业主看到的进度", "处理中")
    YOUR_TURN = "your_turn", pgettext_lazy("业主看到的进度", "待您确认")
    DONE = "done", pgettext_lazy("业主看到的进度", "已完成")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("已解答")
    RESOLVED = "resolved", _("已解决")
    UNREACHABLE = "unreachable", _("回访未联系上")
    MERGED = "merged", _("已合并")
    WITHDRAWN = "withdrawn", _("客户撤回")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    PARTLY = "partly", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")


class EventKind(models.TextChoices):
    CREATED = "created", _("登记")
    REPORTED = "reported", _("上报经理")
    CONTACT = "contact", _("联系客户")
    TRANSFER = "transfer", _("转部门")
    REPLY = "reply", _("部门回复")
    ANSWER = "answer", _("解答")
    FOLLOW_UP = "follow_up", _("跟进回复")
    INVESTIGATION = "investigation", _("安排调查")
    FINDINGS = "findings", _("调查结果")
    DECISION = "decision", _("处理决定")
    MEASURE = "measure", _("整改措施")
    FEEDBACK = "feedback", _("反馈结果")
    RETURN_VISIT = "return_visit", _("回访")
    REOPEN = "reopen", _("重新打开")
    CLOSE = "close", _("关闭")
    COMMENT = "comment", _("内部备注")
    MESSAGE = "message", _("客户消息")
    DEADLINE_MISSED = "deadline_missed", _("超时")
    ASSIGN = "assign", _("指派")
    MERGE = "merge", _("合并")
    INCIDENT = "incident", _("事件通报")
    LINK = "link", _("关联工单")
    CUSTOMER_REPLY = "customer_reply", _("客户回复")
    CONFIRMED = "confirmed", _("客户确认结果")
    RATING = "rating", _("客户评价")
    CALL = "call", _("通话记录")
    ACKNOWLEDGED = "acknowledged", _("告知受理")


class AckMethod(models.TextChoices):
    """How the customer was told their contact is recorded (ISO 10002 acknowledgement)."""

    CALL = "call", _("通话中告知")
    IN_PERSON = "in_person", _("当面告知")
    PHONE = "phone", _("回电告知")
    SMS = "sms", _("短信")
    MAIL = "mail", _("邮件")
    PORTAL = "portal", _("业主服务平台")


# The acknowledgement a contact gets as it is recorded, by its channel: the caller hears the
# number on the call, the visitor at the desk, the portal shows it, the mailbox answers mail.
ACK_ON_INTAKE = {
    Channel.PHONE: AckMethod.CALL,
    Channel.WALK_IN: AckMethod.IN_PERSON,
    Channel.PORTAL: AckMethod.PORTAL,
}


class DispatchPurpose(models.TextChoices):
    TRANSFER = "transfer", _("转办")
    INVESTIGATION = "investigation", _("调查")


class Audience(models.TextChoices):
    """Who reads a timeline row (tickets/visibility.py decides it, in one place)."""

    CUSTOMER = "customer", _("客户可见")
    PROGRESS = "progress", _("客户仅见进度")
    INTERNAL = "internal", _("仅内部可见")
    # Only a text box's reader (a note to a department): a timeline row is one of the above.
    DEPARTMENT = "department", _("部门可见")


# --- the text boxes of staff pages: each says who will read it, and looks it ----------------

AUDIENCE_HELP = {
    Audience.INTERNAL: _("仅内部可见:客服部和相关部门可见,业主看不到。"),
    Audience.CUSTOMER: _("客户可见:业主会读到这段文字(业主服务、邮件、短信)。"),
    Audience.DEPARTMENT: _("部门可见:处理部门的人员会读到;业主看不到。"),
}


def mark_audience(field, audience: str, help_text=None):
    """Label a staff text box with who reads it: `field.audience` drives the badge of
    jinja2/core/field.html and the widget's colour (internal notes look apart, as in Zendesk and
    Zammad). `help_text` replaces the standard sentence when the box needs a precise one."""
    field.audience = audience
    field.audience_label = Audience(audience).label
    field.help_text = help_text or AUDIENCE_HELP[audience]
    attrs = field.widget.attrs
    attrs["class"] = f"{attrs.get('class', 'form-control')} note-{audience}".strip()
    attrs["data-audience"] = audience
    return field
