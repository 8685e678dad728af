from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundStatus(models.TextChoices):
    NEW = "new", _("待处理")
    PROCESSING = "processing", _("处理中")
    TICKET = "ticket", _("已生成工单")
    REPLY = "reply", _("已并入工单")
    NEEDS_LINKING = "needs_linking", _("待关联住户")
    UNPARSED = "unparsed", _("无法解析")
    TOO_LARGE = "too_large", _("邮件过大")
    AUTOMATED = "automated", _("自动邮件")
    REFUSED = "refused", _("已拒收(工单已关闭)")
    ERROR = "error", _("处理出错")


class OutboundKind(models.TextChoices):
    ACK = "ack", _("受理确认")
    REPLY = "reply", _("答复")
    FEEDBACK = "feedback", _("反馈结果")
    NOTICE = "notice", _("通知")
    REFUSAL = "refusal", _("拒收说明")


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


# The assistant's home keeps its count of mail needing a resident under this version: every
# ORM write to an inbound mail bumps it (mailbox/receivers.py); the update()s that change a
# mail's status, attention or resident bump it themselves (services.py, inbound.py).
VERSION = "mailbox"
