from django.db import models
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.choices import Post


class CycleStatus(models.TextChoices):
    COMPUTING = "computing", _("正在计算")
    COMPUTED = "computed", _("已计算")
    FAILED = "failed", _("计算失败")


class Status(models.TextChoices):
    DRAFT = "draft", _("待评审")
    REVIEWED = "reviewed", _("已评审")
    PUBLISHED = "published", _("已发布")


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Criterion(models.TextChoices):
    """The criteria of the regulation (MGT-6, SUP-2); the weights are PolicySettings'
    appraisal_weight_<code> of the version in force when the cycle opens."""

    ATTITUDE = "attitude", _("服务态度")
    QUALITY = "quality", _("服务质量")
    SATISFACTION = "satisfaction", _("客户满意度")
    ATTENDANCE = "attendance", _("考勤")
    TRAINING = "training", _("培训")


class Component(models.TextChoices):
    """The parts of a criterion; each is the mean of its records' values (complaints:
    100 less the deduction of each), and a criterion is the mean of its parts that have
    records."""

    DEADLINE = "deadline", _("时限达标")
    FIRST_CONTACT = "first_contact", _("首问解决")
    INSPECTION = "inspection", _("工单与通话检查")
    RATING = "rating", _("客户评价")
    RETURN_VISIT = "return_visit", _("回访结果")
    SURVEY = "survey", _("满意度调查")
    CONDUCT = "conduct", _("仪容与服务规范检查")
    COMPLAINT = "complaint", _("查实的态度投诉")
    MANAGER = "manager", _("经理评分")
    ATTENDANCE = "attendance", _("出勤")
    TRAINING = "training", _("培训")


# Component -> its criterion.
CRITERION_OF = {
    Component.DEADLINE: Criterion.QUALITY,
    Component.FIRST_CONTACT: Criterion.QUALITY,
    Component.INSPECTION: Criterion.QUALITY,
    Component.RATING: Criterion.SATISFACTION,
    Component.RETURN_VISIT: Criterion.SATISFACTION,
    Component.SURVEY: Criterion.SATISFACTION,
    Component.CONDUCT: Criterion.ATTITUDE,
    Component.COMPLAINT: Criterion.ATTITUDE,
    Component.MANAGER: Criterion.ATTITUDE,
    Component.ATTENDANCE: Criterion.ATTENDANCE,
    Component.TRAINING: Criterion.TRAINING,
}


# The parts whose records of one value are a single row listing them (Item.refs): a
# person's quarter has thousands of tickets that met their deadlines.
GROUPED = (Component.DEADLINE, Component.FIRST_CONTACT, Component.SURVEY)


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ACCEPTED = "accepted", _("已采纳")
    PARTLY = "partly", _("部分采纳")
    REJECTED = "rejected", _("未采纳")


class Event(models.TextChoices):
    COMPUTED = "computed", _("计算")
    SELF = "self", _("自评")
    REVIEWED = "reviewed", _("经理评审")
    PUBLISHED = "published", _("发布")
    DISPUTED = "disputed", _("提出申诉")
    ANSWERED = "answered", _("答复申诉")
    REOPENED = "reopened", _("重新打开")


# Whose appraisal a cycle computes: staff holding one of these posts.
APPRAISED_POSTS = (
    Post.SPECIALIST,
    Post.ASSISTANT,
    Post.DEPARTMENT,
    Post.SUPERVISOR,
    Post.MANAGER,
)
# Who open cycles and review the appraisals of their department.
REVIEWERS = (Post.MANAGER,)
# Who see and review every appraisal.
EXECUTIVES = (Post.EXECUTIVE,)


# How an item's `detail` code reads on the page (stars and survey answers read as written).
DETAILS = {
    "met": _("各时限均按时"),
    "missed": _("有时限超时"),
    "fcr": _("首问解决"),
    "no_fcr": _("未首问解决"),
    "satisfied": _("满意"),
    "partly": _("基本满意"),
    "not_satisfied": _("不满意"),
    "ticket": _("工单处理抽查"),
    "call": _("通话录音抽查"),
    "deadline": _("时限执行检查"),
    "onsite": _("现场仪容仪表检查"),
    "mystery": _("神秘来电/来访"),
    "present": _("出勤的半天"),
    "late_early": _("迟到或早退的半天"),
    "absent": _("缺勤的半天"),
    "session_attended": _("参加的培训场次"),
    "session_missed": _("缺席的培训场次"),
    "exam_passed": _("通过的考试"),
    "exam_failed": _("未通过的考试"),
    "mandatory_overdue": _("逾期未完成的必修课程"),
}
