from django.db import models
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import Post


class Kind(models.TextChoices):
    TICKET = "ticket", _("工单处理抽查")
    CALL = "call", _("通话录音抽查")
    MYSTERY = "mystery", _("神秘来电/来访")
    ONSITE = "onsite", _("现场仪容仪表检查")
    DEADLINE = "deadline", _("时限执行检查")


# Kinds a supervisor creates by hand (sampled ones come from a plan; the deadline check
# is computed from the data when it is created).
MANUAL_KINDS = (Kind.TICKET, Kind.CALL, Kind.MYSTERY, Kind.ONSITE, Kind.DEADLINE)
SAMPLED_KINDS = (Kind.TICKET, Kind.CALL)


class Status(models.TextChoices):
    OPEN = "open", _("待检查")
    CLOSED = "closed", _("已结束")
    REPLACED = "replaced", _("已替换")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("待抽样")
    SAMPLING = "sampling", _("正在抽样")
    SAMPLED = "sampled", _("已抽样")
    FAILED = "failed", _("抽样失败")


class Result(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


# Who inspects: holders of the supervisor post appointed to the group (GroupMember).
INSPECTOR_POSTS = (Post.SUPERVISOR,)
# Who appoints the group's members.
APPOINTERS = (Post.MANAGER, Post.EXECUTIVE)
# Who keeps the checklists besides the group's members.
CHECKLIST_KEEPERS = (Post.MANAGER, Post.EXECUTIVE)
# Who see the inspections of their department (besides their own).
DEPARTMENT_READERS = (Post.MANAGER,)
# Who see the figures only (no item comments).
SUMMARY_READERS = (Post.EXECUTIVE, Post.MANAGER, Post.SUPERVISOR)
# The post whose checklist applies to a person holding several, first first.
POST_ORDER = (
    Post.SPECIALIST,
    Post.ASSISTANT,
    Post.MANAGER,
    Post.DEPARTMENT,
    Post.SUPERVISOR,
    Post.EXECUTIVE,
    Post.ADMIN,
)
