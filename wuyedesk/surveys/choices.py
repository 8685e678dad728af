from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    RATING = "rating_1_5", _("评分(1–5)")
    NPS = "nps_0_10", _("推荐意愿(0–10)")
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("文字")


# Kinds whose answer is a number in value_int, with its range.
NUMERIC_RANGES = {QuestionKind.RATING: (1, 5), QuestionKind.NPS: (0, 10)}


class SamplingMode(models.TextChoices):
    ALL = "all", _("全部住户")
    SAMPLE = "sample", _("分层随机抽样")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class SurveyChannel(models.TextChoices):
    EMAIL = "email", _("邮件")
    PHONE = "phone", _("电话")
    PORTAL = "portal", _("业主服务平台")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("待联系")
    SENT = "sent", _("已发送")
    REMINDED = "reminded", _("已提醒")
    COMPLETED = "completed", _("已完成")
    REFUSED = "refused", _("拒绝")
    UNREACHABLE = "unreachable", _("未联系上")
    OPTED_OUT = "opted_out", _("已退订")


# An invitation in one of these can still be answered.
ANSWERABLE = (InvitationStatus.PENDING, InvitationStatus.SENT, InvitationStatus.REMINDED)


class CallOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", _("无人接听")
    CALL_BACK = "call_back", _("约定回拨")
    REFUSED = "refused", _("拒绝访问")
    COMPLETED = "completed", _("完成访问")
