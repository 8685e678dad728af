"""Satisfaction surveys (SUR-1): questionnaires, quarterly campaigns, invitations, answers.

See README.md in this package for how the analysis reads these tables.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from wuyedesk.surveys.choices import (
    CallOutcome,
    CampaignStatus,
    InvitationStatus,
    QuestionKind,
    SamplingMode,
    SurveyChannel,
)

USER = settings.AUTH_USER_MODEL


def _pick(zh: str, en: str) -> str:
    """The wording in the active language; Chinese when there is no English."""
    if en and (get_language() or "").startswith("en"):
        return en
    return zh


class Dimension(models.Model):
    """A service dimension a rating question measures, and the department answerable for it."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务维度")
        verbose_name_plural = pgettext_lazy("plural", "服务维度")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _pick(self.name, self.name_en)


class Questionnaire(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True)
    title = models.CharField(_("标题"), max_length=100)
    title_en = models.CharField(_("英文标题"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = pgettext_lazy("plural", "问卷")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _pick(self.title, self.title_en)


class QuestionnaireVersion(models.Model):
    """The questions as asked. Once published it is frozen: a change makes a new version."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions", verbose_name=_("问卷")
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    intro = models.TextField(_("开场白"), blank=True)
    intro_en = models.TextField(_("英文开场白"), blank=True)
    # What the specialist says on the phone before the questions.
    script = models.TextField(_("电话访问话术"), blank=True)
    script_en = models.TextField(_("英文电话话术"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("问卷版本")
        verbose_name_plural = pgettext_lazy("plural", "问卷版本")
        ordering = ["questionnaire_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="survey_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(published_at__isnull=True),
                name="survey_version_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def intro_text(self) -> str:
        return _pick(self.intro, self.intro_en)

    @property
    def script_text(self) -> str:
        return _pick(self.script, self.script_en)


class Section(models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    title = models.CharField(_("标题"), max_length=100)
    title_en = models.CharField(_("英文标题"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("问卷部分")
        verbose_name_plural = pgettext_lazy("plural", "问卷部分")
        ordering = ["version_id", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return _pick(self.title, self.title_en)


class Question(models.Model):
    # Copied from the section so a version's questions are one indexed filter.
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions", editable=False
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("所属部分")
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    # Stable across versions ("overall", "nps", "dim_HJ"…): how quarters are compared.
    code = models.CharField(_("编码"), max_length=32)
    kind = models.CharField(_("题型"), max_length=12, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    text_en = models.CharField(_("英文题目"), max_length=400, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("服务维度"),
    )
    is_overall = models.BooleanField(_("总体满意度题"), default=False)
    # [{"value": "a", "zh": "…", "en": "…"}, …] for single/multiple choice.
    choices = models.JSONField(_("选项"), default=list, blank=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = pgettext_lazy("plural", "题目")
        ordering = ["version_id", "section__position", "section_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="survey_question_unique_code"),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(is_overall=True),
                name="survey_question_one_overall",
            ),
            models.CheckConstraint(
                condition=Q(is_overall=False) | Q(kind=QuestionKind.RATING),
                name="survey_question_overall_is_rating",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.version_id = self.section.version_id
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return _pick(self.text, self.text_en)

    def choice_options(self) -> list[tuple[str, str]]:
        return [(c["value"], _pick(c.get("zh", ""), c.get("en", ""))) for c in self.choices]


class Campaign(models.Model):
    """One survey round (normally one per quarter), of chosen communities' households."""

    name = models.CharField(_("名称"), max_length=100)
    # "2026Q4" for a quarterly cadence, "2026-11" (start month) for another cadence.
    quarter = models.CharField(_("调查期"), max_length=10, unique=True)
    period_start = models.DateField(_("期间开始"))
    period_end = models.DateField(_("期间结束"))
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("问卷版本"),
    )
    communities = models.ManyToManyField(
        "properties.Community", related_name="+", verbose_name=_("调查小区")
    )
    # Who works the phone lists; invitations are split among them per community.
    specialists = models.ManyToManyField(
        "accounts.Staff", related_name="+", blank=True, verbose_name=_("电话调查人员")
    )
    sampling = models.CharField(
        _("调查范围"), max_length=10, choices=SamplingMode.choices, default=SamplingMode.ALL
    )
    confidence = models.PositiveSmallIntegerField(_("置信度(%)"), default=95)
    margin_points = models.PositiveSmallIntegerField(_("允许误差(百分点)"), default=5)
    population = models.PositiveIntegerField(_("住户总数"), default=0)
    sample_size = models.PositiveIntegerField(_("样本量"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Invitation links expire then.
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    auto_created = models.BooleanField(_("系统自动创建"), default=False)
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("调查活动")
        verbose_name_plural = pgettext_lazy("plural", "调查活动")
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="survey_campaign_period_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN and (
            self.closes_at is None or self.closes_at > timezone.now()
        )


class Invitation(models.Model):
    """One household (room) asked once per campaign, by one channel."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("调查活动")
    )
    room = models.ForeignKey(
        "properties.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    # Copied from the room so scoping and progress are indexed filters, not joins.
    community = models.ForeignKey(
        "properties.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    building = models.ForeignKey(
        "properties.Building", on_delete=models.PROTECT, related_name="+", editable=False
    )
    resident = models.ForeignKey(
        "properties.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受访住户"),
    )
    channel = models.CharField(_("方式"), max_length=10, choices=SurveyChannel.choices)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    assigned_to = models.ForeignKey(
        "accounts.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("负责专员"),
    )
    # SHA-256 of the link token; the token itself is HMAC(SECRET_KEY, salt), never stored.
    token_salt = models.CharField(max_length=32, editable=False, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("拨打次数"), default=0)
    call_back_at = models.DateTimeField(_("约定回拨时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("调查邀请")
        verbose_name_plural = pgettext_lazy("plural", "调查邀请")
        ordering = ["campaign_id", "community_id", "building_id", "room_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "room"], name="survey_invitation_one_per_household"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="survey_inv_campaign_status"),
            models.Index(fields=["assigned_to", "status"], name="survey_inv_assignee_status"),
            models.Index(fields=["room", "status"], name="survey_inv_room_status"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} / {self.room_id}"

    def save(self, *args, **kwargs):
        if self.room_id and not self.community_id:
            self.community_id = self.room.community_id
            self.building_id = self.room.building_id
        super().save(*args, **kwargs)

    def make_token(self) -> str:
        """The link token: unguessable without SECRET_KEY, the same every time it is asked."""
        mac = hmac.new(
            settings.SECRET_KEY.encode(),
            f"survey-invitation:{self.token_salt}".encode(),
            hashlib.sha256,
        )
        return mac.hexdigest()[:40]

    @staticmethod
    def hash_token(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class CallAttempt(models.Model):
    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="calls", verbose_name=_("调查邀请")
    )
    at = models.DateTimeField(_("拨打时间"), default=timezone.now)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("结果"), max_length=12, choices=CallOutcome.choices)
    call_back_at = models.DateTimeField(_("约定回拨时间"), null=True, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("拨打记录")
        verbose_name_plural = pgettext_lazy("plural", "拨打记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.outcome}"


class Response(models.Model):
    """A household's answers: one per invitation, so nothing is ever stored twice."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, related_name="response", verbose_name=_("调查邀请")
    )
    # Copied from the invitation for the analysis' grouping without joins.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="responses", editable=False
    )
    community = models.ForeignKey(
        "properties.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    building = models.ForeignKey(
        "properties.Building", on_delete=models.PROTECT, related_name="+", editable=False
    )
    room = models.ForeignKey(
        "properties.Room", on_delete=models.PROTECT, related_name="+", editable=False
    )
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="+", editable=False
    )
    channel = models.CharField(_("方式"), max_length=10, choices=SurveyChannel.choices)
    respondent = models.ForeignKey(
        "properties.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答卷住户"),
    )
    # The specialist who entered a phone survey; empty for email and portal.
    entered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = pgettext_lazy("plural", "答卷")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "community"], name="survey_resp_campaign_comm"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} / {self.room_id}"


class Answer(models.Model):
    TEXT_MAX = 2000  # characters of a free-text answer (the form's maxlength too)

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value_int = models.SmallIntegerField(_("分值"), null=True, blank=True)
    value_choices = models.JSONField(_("所选项"), default=list, blank=True)
    value_text = models.TextField(_("文字"), blank=True)

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = pgettext_lazy("plural", "回答")
        ordering = ["response_id", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="survey_answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(value_int__isnull=True) | Q(value_int__gte=0, value_int__lte=10),
                name="survey_answer_int_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class OptOut(models.Model):
    """A household (room) that asked not to be surveyed; later campaigns skip it."""

    room = models.OneToOneField(
        "properties.Room", on_delete=models.CASCADE, related_name="+", verbose_name=_("房屋")
    )
    resident = models.ForeignKey(
        "properties.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("住户"),
    )
    at = models.DateTimeField(_("退订时间"), default=timezone.now)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("退订")
        verbose_name_plural = pgettext_lazy("plural", "退订")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.room_id}"
