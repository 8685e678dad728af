from django.db import models
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import Post


class CourseKind(models.TextChoices):
    INDUCTION = "induction", _("入职培训")
    REGULAR = "regular", _("定期培训")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    RECORDED = "recorded", _("已登记结果")
    CANCELLED = "cancelled", _("已取消")


class DueState(models.TextChoices):
    MISSING = "missing", _("未完成")
    EXPIRED = "expired", _("已过期")
    DUE_SOON = "due_soon", _("即将到期")


# Who organises training (MGT-4, MGT-5; AST-5: the assistant runs the department's affairs).
ORGANISERS = (Post.MANAGER, Post.ASSISTANT)
# Who reads everyone's training record.
EXECUTIVES = (Post.EXECUTIVE,)
# The posts a course may apply to (the administrator and executives take no service training).
COURSE_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER, Post.SUPERVISOR, Post.DEPARTMENT)
