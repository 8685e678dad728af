from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    STAFF = "staff", _("员工")
    RESIDENT = "resident", _("住户")


class Post(models.TextChoices):
    """The posts of Chapter 4 plus the people around the department."""

    MANAGER = "manager", _("客服部经理")
    SPECIALIST = "specialist", _("客服专员")
    ASSISTANT = "assistant", _("客服助理")
    DEPARTMENT = "department", _("部门人员")
    SUPERVISOR = "supervisor", _("监督小组成员")
    EXECUTIVE = "executive", _("公司管理层")
    ADMIN = "admin", _("系统管理员")


# Posts that see every community regardless of assignment.
COMPANY_WIDE_POSTS = frozenset({Post.ADMIN, Post.EXECUTIVE})
# Posts that plan improvement items (improvements app; the survey analysis links to it).
IMPROVEMENT_PLANNERS = (Post.MANAGER, Post.ASSISTANT)
# Default posts that may reveal residents' full phone / ID numbers (company setting).
DEFAULT_REVEAL_POSTS = [Post.MANAGER.value, Post.ASSISTANT.value, Post.SPECIALIST.value]
# Default posts that may export personal data (company setting, MGT-3).
DEFAULT_EXPORT_POSTS = [Post.MANAGER.value, Post.ASSISTANT.value, Post.ADMIN.value]
# Default posts that must sign in with a second factor (company setting).
DEFAULT_TWO_FACTOR_POSTS = [Post.ADMIN.value, Post.MANAGER.value, Post.EXECUTIVE.value]
# Posts a department manager may hire into (recruitment, MGR-2): the department's own staff;
# the other posts are the administrator's to give (accounts.services.staff_hire).
HIRING_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.DEPARTMENT)
