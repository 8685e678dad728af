from django.db import models
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import Post


class Duty(models.TextChoices):
    """The post a person holds during a shift."""

    COUNTER = "counter", _("前台")
    PHONE = "phone", _("热线")
    OFFICE = "office", _("内勤")
    PATROL = "patrol", _("巡查")


class LeaveKind(models.TextChoices):
    ANNUAL = "annual", _("年假")
    SICK = "sick", _("病假")
    PERSONAL = "personal", _("事假")
    IN_LIEU = "in_lieu", _("调休")
    OTHER = "other", _("其他")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已驳回")


class ClockSource(models.TextChoices):
    WEB = "web", _("网页打卡")
    IMPORT = "import", _("考勤机导入")


# Who draws up rosters and shifts and reads the department's attendance (AST-5: the
# assistant runs the department's schedules); who approves leave and corrections.
ROSTER_EDITORS = (Post.MANAGER, Post.ASSISTANT)
APPROVERS = (Post.MANAGER,)
# Who reads every department's attendance.
COMPANY_READERS = (Post.EXECUTIVE,)
