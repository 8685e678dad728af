from django.db import models
from django.utils.translation import gettext_lazy as _


class OpeningStatus(models.TextChoices):
    OPEN = "open", _("招聘中")
    FILLED = "filled", _("已招满")
    CLOSED = "closed", _("已关闭")


class Stage(models.TextChoices):
    SCREENING = "screening", _("初筛")
    INTERVIEW = "interview", _("面试")
    OFFER = "offer", _("已发录用通知")
    HIRED = "hired", _("已入职")
    REJECTED = "rejected", _("未录用")
    WITHDRAWN = "withdrawn", _("本人放弃")


class Source(models.TextChoices):
    REFERRAL = "referral", _("内部推荐")
    JOB_SITE = "job_site", _("招聘网站")
    CAMPUS = "campus", _("校园招聘")
    AGENCY = "agency", _("中介机构")
    WALK_IN = "walk_in", _("自荐")
    OTHER = "other", _("其他")


# Candidates waiting for the manager's decision (the manager's home counts them).
WAITING = (Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER)
FINAL = (Stage.HIRED, Stage.REJECTED, Stage.WITHDRAWN)
# Moves made with a note (stage_record); the offer and the hire have services of their own.
MOVES = {
    Stage.SCREENING: {Stage.SCREENING, Stage.INTERVIEW, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.INTERVIEW: {Stage.INTERVIEW, Stage.REJECTED, Stage.WITHDRAWN},
    Stage.OFFER: {Stage.OFFER, Stage.REJECTED, Stage.WITHDRAWN},
}
