from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("星期一")
    TUESDAY = 1, _("星期二")
    WEDNESDAY = 2, _("星期三")
    THURSDAY = 3, _("星期四")
    FRIDAY = 4, _("星期五")
    SATURDAY = 5, _("星期六")
    SUNDAY = 6, _("星期日")


class Attendance(models.TextChoices):
    UNRECORDED = "", _("未记录")
    PRESENT = "present", _("出席")
    ABSENT = "absent", _("缺席")
    EXCUSED = "excused", _("请假")


class MinutesStatus(models.TextChoices):
    NONE = "", _("未编写")
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待经理审批")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回修改")


# Minutes the assistant may still write (a new draft, or one the manager returned).
EDITABLE_MINUTES = (MinutesStatus.NONE, MinutesStatus.DRAFT, MinutesStatus.RETURNED)


class AgendaSource(models.TextChoices):
    ACTION = "action", _("未完成的行动项")
    OVERDUE = "overdue", _("超时工单")
    COMPLAINT = "complaint", _("新投诉")
    SURVEY = "survey", _("满意度调查发现")
    INSPECTION = "inspection", _("检查发现")
    OTHER = "other", _("其他议题")
