from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    SURVEY = "survey", _("满意度调查发现")
    COMPLAINT = "complaint", _("投诉整改措施")
    INSPECTION = "inspection", _("检查发现")
    MEETING = "meeting", _("会议决定")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("待开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")
    EFFECTIVE = "effective", _("验证有效")
    NOT_EFFECTIVE = "not_effective", _("验证无效")


# Still to be worked on: reminded before the due date, overdue after it.
ACTIVE_STATUSES = (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)
VERIFIED_STATUSES = (ItemStatus.EFFECTIVE, ItemStatus.NOT_EFFECTIVE)
