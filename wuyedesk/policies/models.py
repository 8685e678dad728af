"""The numbers the regulation sets (POL-3), as versioned settings.

Each change writes a new version; the newest is in force. Deadlines are computed from
the version in force when the clock starts, so changing a setting never moves the
deadlines of tickets that already exist.
"""

import datetime as dt

from django.conf import settings
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from wuyedesk.policies.choices import (
    COMPLAINT_STARTS,
    DECIDED_STATES,
    INQUIRY_STARTS,
    RETURN_VISIT_STARTS,
    Audience,
    ClockHours,
    ClockStart,
    EvaluationDecision,
    EvaluationStatus,
    VersionStatus,
)

# The service dimensions the satisfaction index weighs (surveys/defaults.py DIMENSIONS) and the
# parts of a staff appraisal; each has its weight field below.
DIMENSION_CODES = ("service", "repair", "security", "cleaning", "greening", "parking", "billing")
# The criteria of the regulation (MGT-6): attitude, quality, satisfaction; attendance and
# training count where the version in force gives them a weight.
APPRAISAL_PARTS = ("attitude", "quality", "satisfaction", "attendance", "training")


def default_manager_severities() -> list[str]:
    return ["normal", "major", "emergency"]


class PolicySettings(models.Model):
    created_at = models.DateTimeField(_("生效时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    inquiry_follow_up_hours = models.PositiveSmallIntegerField(
        _("咨询跟进时限(小时)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("INQ-4:从下面设定的起算事件起算。"),
    )
    complaint_investigation_hours = models.PositiveSmallIntegerField(
        _("投诉调查处理时限(小时)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("CMP-3:从下面设定的起算事件起算。"),
    )
    return_visit_hours = models.PositiveSmallIntegerField(
        _("回访时限(小时)"),
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("CMP-5:从向客户反馈结果时起算。"),
    )
    return_visit_max_attempts = models.PositiveSmallIntegerField(
        _("回访最多尝试次数"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    reminder_minutes = models.PositiveSmallIntegerField(
        _("到期前提醒(分钟)"),
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
    )
    complaint_notify_severities = models.JSONField(
        _("立即通知经理的投诉严重程度"),
        default=default_manager_severities,
        help_text=_("CMP-2:这些严重程度的投诉一经登记即通知经理。"),
    )
    attachment_max_mb = models.PositiveSmallIntegerField(
        _("附件大小上限(MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    closed_reply = models.CharField(
        _("已关闭工单收到客户回复时"),
        max_length=10,
        choices=[("reopen", _("重新打开工单")), ("refuse", _("拒收并请客户新建"))],
        default="reopen",
    )
    survey_every_months = models.PositiveSmallIntegerField(
        _("满意度调查周期(月)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("SUR-1:默认每季度一次。"),
    )
    survey_open_days = models.PositiveSmallIntegerField(
        _("调查开放天数"), default=30, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    survey_confidence = models.PositiveSmallIntegerField(
        _("抽样置信度(%)"), choices=[(90, "90%"), (95, "95%"), (99, "99%")], default=95
    )
    survey_margin_points = models.PositiveSmallIntegerField(
        _("抽样允许误差(百分点)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    survey_reminder_days = models.PositiveSmallIntegerField(
        _("调查邀请提醒(发出后天数)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    survey_phone_max_attempts = models.PositiveSmallIntegerField(
        _("电话调查最多拨打次数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    improvement_reminder_days = models.PositiveSmallIntegerField(
        _("改进事项到期前提醒(天)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("SUR-3:到期前提醒负责人,逾期通知经理。"),
    )

    # --- when each clock starts and how it counts (issue #14 points 4 and 5) -----------------
    inquiry_clock_start = models.CharField(
        _("咨询跟进时限的起算事件"),
        max_length=10,
        choices=[(c.value, c.label) for c in INQUIRY_STARTS],
        default=ClockStart.CONTACT,
    )
    inquiry_clock_hours = models.CharField(
        _("咨询跟进时限的计时方式"),
        max_length=10,
        choices=ClockHours.choices,
        default=ClockHours.CALENDAR,
    )
    complaint_clock_start = models.CharField(
        _("投诉调查处理时限的起算事件"),
        max_length=10,
        choices=[(c.value, c.label) for c in COMPLAINT_STARTS],
        default=ClockStart.CONTACT,
    )
    complaint_clock_hours = models.CharField(
        _("投诉调查处理时限的计时方式"),
        max_length=10,
        choices=ClockHours.choices,
        default=ClockHours.CALENDAR,
    )
    return_visit_clock_start = models.CharField(
        _("回访时限的起算事件"),
        max_length=10,
        choices=[(c.value, c.label) for c in RETURN_VISIT_STARTS],
        default=ClockStart.FEEDBACK,
    )
    return_visit_clock_hours = models.CharField(
        _("回访时限的计时方式"),
        max_length=10,
        choices=ClockHours.choices,
        default=ClockHours.CALENDAR,
    )
    service_day_start = models.TimeField(
        _("服务时间开始"),
        default=dt.time(9, 0),
        help_text=_("工作小时只计算工作日的服务时间。"),
    )
    service_day_end = models.TimeField(_("服务时间结束"), default=dt.time(18, 0))
    use_holiday_calendar = models.BooleanField(
        _("按国家法定节假日和调休计算工作日"),
        default=True,
        help_text=_("关闭时,工作日为周一至周五;公司自定的停工日和补班日始终有效。"),
    )
    late_recording_minutes = models.PositiveSmallIntegerField(
        _("迟登记标记(联系后分钟数)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(1440)],
        help_text=_("CMP-1:登记时间晚于客户联系时间超过此分钟数的咨询和投诉标记为迟登记。"),
    )
    duplicate_window_hours = models.PositiveSmallIntegerField(
        _("重复来电提示(小时)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_(
            "登记时,同一客户、同一分类在此小时数内登记且未关闭的工单提示为可能重复,"
            "可一键追加到该工单。"
        ),
    )
    # --- what each step of a complaint needs (CMP-3) ------------------------------------------
    decision_needs_findings = models.BooleanField(_("处理决定前须收齐各部门调查结果"), default=True)
    decision_needs_measure = models.BooleanField(_("处理决定须至少一项整改措施"), default=True)
    # --- the satisfaction index and its analysis (SUR-2) --------------------------------------
    weight_service = models.PositiveSmallIntegerField(
        _("满意度指数权重:客服(%)"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_repair = models.PositiveSmallIntegerField(
        _("满意度指数权重:工程维修(%)"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_security = models.PositiveSmallIntegerField(
        _("满意度指数权重:秩序维护(%)"),
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_cleaning = models.PositiveSmallIntegerField(
        _("满意度指数权重:环境卫生(%)"),
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_greening = models.PositiveSmallIntegerField(
        _("满意度指数权重:绿化(%)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_parking = models.PositiveSmallIntegerField(
        _("满意度指数权重:停车(%)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight_billing = models.PositiveSmallIntegerField(
        _("满意度指数权重:收费(%)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    analysis_target_share = models.PositiveSmallIntegerField(
        _("满意率目标(%)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("小区某维度满意率加误差仍低于此值即为调查发现。"),
    )
    analysis_previous_campaigns = models.PositiveSmallIntegerField(
        _("趋势对比的往期调查数"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    # --- the supervision group's inspections (SUP-1) -------------------------------------------
    supervision_rectification_days = models.PositiveSmallIntegerField(
        _("检查发现整改期限(天)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("SUP-1:不合格检查项生成的整改事项,默认在此天数内完成。"),
    )
    supervision_repeat_days = models.PositiveSmallIntegerField(
        _("重复问题判定期(天)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("同一人同一检查项在此天数内再次不合格,标记为重复问题。"),
    )
    supervision_calibration_divergence = models.PositiveSmallIntegerField(
        _("校准评分差异上限(%)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("两名监督员对同一样本的得分相差超过此比例,标记为待讨论。"),
    )
    # --- staff appraisal and attendance (for the staff issue that follows) --------------------
    appraisal_every_months = models.PositiveSmallIntegerField(
        _("考核周期(月)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    appraisal_weight_quality = models.PositiveSmallIntegerField(
        _("考核权重:服务质量(%)"),
        default=40,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    appraisal_weight_attitude = models.PositiveSmallIntegerField(
        _("考核权重:服务态度(%)"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    appraisal_weight_satisfaction = models.PositiveSmallIntegerField(
        _("考核权重:客户满意度(%)"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    appraisal_weight_attendance = models.PositiveSmallIntegerField(
        _("考核权重:考勤(%)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    appraisal_weight_training = models.PositiveSmallIntegerField(
        _("考核权重:培训(%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("为 0 时该项不计入考核。"),
    )
    appraisal_complaint_points = models.PositiveSmallIntegerField(
        _("考核:每起查实的态度投诉扣分"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "类别为“员工服务态度”、处理决定中整改责任人为本人的投诉,每起从态度投诉分中扣除。"
        ),
    )
    appraisal_dispute_days = models.PositiveSmallIntegerField(
        _("考核结果申诉期(天)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("考核结果发布后,本人可在此天数内对具体记录提出申诉。"),
    )
    appraisal_excellent_min = models.PositiveSmallIntegerField(
        _("考核优秀线(分)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    appraisal_pass_min = models.PositiveSmallIntegerField(
        _("考核合格线(分)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    attendance_grace_minutes = models.PositiveSmallIntegerField(
        _("考勤迟到宽限(分钟)"),
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )

    attendance_absence_minutes = models.PositiveSmallIntegerField(
        _("考勤缺勤阈值(分钟)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(480)],
        help_text=_("上班打卡晚于班次开始超过此分钟数,记半天缺勤;全天未打卡记一天缺勤。"),
    )
    roster_cover_counter = models.BooleanField(
        _("服务时间内前台须有人值班"),
        default=True,
        help_text=_("排班表标出工作日服务时间内前台无人值班的小时。"),
    )
    roster_cover_phone = models.BooleanField(
        _("服务时间内热线须有人值班"),
        default=True,
        help_text=_("排班表标出工作日服务时间内热线无人值班的小时。"),
    )

    # --- work plans and work reports (issue #15 points 5-6, MGR-1, AST-2) ---------------------
    target_amber_margin = models.PositiveSmallIntegerField(
        _("工作目标黄灯区间"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
        help_text=_("实际值未达目标、但差距不超过此值(按指标自身单位,多为百分点)时显示黄灯。"),
    )
    work_report_weekly = models.BooleanField(_("自动起草工作周报"), default=False)
    work_report_monthly = models.BooleanField(_("自动起草工作月报"), default=True)
    work_report_quarterly = models.BooleanField(_("自动起草工作季报"), default=True)
    # --- training and the induction gate (issue #16 point 2, MGT-4, MGT-5) -------------------
    induction_gate_enabled = models.BooleanField(
        _("未通过入职培训者不能独立接单和值守电话"),
        default=True,
        help_text=_(
            "MGT-4:未通过全部入职培训课程的员工不能被指派为工单负责人,也不能单独排班值守电话。"
        ),
    )
    training_reminder_days = models.PositiveSmallIntegerField(
        _("必修培训到期提前提醒(天)"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("MGT-5:定期必修课程的有效期在此天数内到期时,提醒本人和经理。"),
    )

    # --- rewards and penalties (issue #16 point 5, MGT-7, MGT-8) --------------------------------
    reward_appeal_days = models.PositiveSmallIntegerField(
        _("奖惩申诉期限(天)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("奖惩生效并通知本人后,本人可在此天数内提出申诉。"),
    )
    reward_propose_excellent = models.BooleanField(
        _("考核优秀者提议表扬"),
        default=True,
        help_text=_("考核结果公布时,得分不低于考核优秀线的员工生成表扬提议,由经理审批。"),
    )
    penalty_propose_failed = models.BooleanField(
        _("考核不合格者提议警告"),
        default=True,
        help_text=_("考核结果公布时,得分低于考核合格线的员工生成警告提议,由经理审批。"),
    )

    class Meta:
        verbose_name = _("服务时限设置")
        verbose_name_plural = pgettext_lazy("plural", "服务时限设置")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d}"

    def dimension_weights(self) -> dict[str, int]:
        """The satisfaction index's weight of each service dimension, by dimension code."""
        return {code: getattr(self, f"weight_{code}") for code in DIMENSION_CODES}

    def appraisal_weights(self) -> dict[str, int]:
        return {part: getattr(self, f"appraisal_weight_{part}") for part in APPRAISAL_PARTS}

    def clean(self):
        """The rules between fields: every path that saves a version (the page, the API, an
        approval) calls full_clean(), so a broken set is refused wherever it comes from."""
        errors = {}
        for name, total in (
            ("weight_service", sum(self.dimension_weights().values())),
            ("appraisal_weight_quality", sum(self.appraisal_weights().values())),
        ):
            if total != 100:
                errors[name] = _("权重合计须为 100%%,现为 %(total)s%%。") % {"total": total}
        lead = self.reminder_minutes or 0
        for name in (
            "inquiry_follow_up_hours",
            "complaint_investigation_hours",
            "return_visit_hours",
        ):
            hours = getattr(self, name)
            if hours is not None and hours * 60 <= lead:
                errors[name] = _("时限须长于到期前提醒时间(%(minutes)s 分钟)。") % {"minutes": lead}
        start, end = self.service_day_start, self.service_day_end
        if start is not None and end is not None and end <= start:
            errors["service_day_end"] = _("服务时间结束须晚于开始。")
        low, high = self.appraisal_pass_min, self.appraisal_excellent_min
        if low is not None and high is not None and high <= low:
            errors["appraisal_excellent_min"] = _("优秀线须高于合格线。")
        grace, absence = self.attendance_grace_minutes, self.attendance_absence_minutes
        if grace is not None and absence is not None and absence <= grace:
            errors["attendance_absence_minutes"] = _("缺勤阈值须大于迟到宽限。")
        if errors:
            raise ValidationError(errors)


class CalendarDay(models.Model):
    """A day the company sets apart from the national calendar (issue #14 point 5): a typhoon
    day or a local holiday off, or an extra working day. It wins over chinese_calendar."""

    date = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(
        _("工作日"), help_text=_("勾选:当天照常上班(补班);不勾选:当天停工(台风、地方假日等)。")
    )
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公司日历调整")
        verbose_name_plural = pgettext_lazy("plural", "公司日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


# --- the regulation as documents (issue #14, POL-1, POL-2) ----------------------------------


class PolicyDocument(models.Model):
    """A regulation of the company (POL-1): its text lives in versions, one in force at a
    time. The one document that `carries_settings` is the customer-service regulation: its
    versions carry the numbers WuyeDesk computes with (a PolicySettings row each)."""

    number = models.CharField(_("文件编号"), max_length=32, unique=True)
    title = models.CharField(_("标题"), max_length=120)
    owner_department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("归口部门"),
    )
    audience = models.CharField(
        _("须阅读确认的人员"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.CUSTOMER_SERVICE,
    )
    carries_settings = models.BooleanField(_("含服务参数"), default=False, editable=False)
    next_review_on = models.DateField(_("下次评估日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("制度文件")
        verbose_name_plural = pgettext_lazy("plural", "制度文件")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["carries_settings"],
                condition=models.Q(carries_settings=True),
                name="one_document_carries_settings",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PolicyVersion(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    summary = models.CharField(_("修订说明"), max_length=300, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    next_review_on = models.DateField(_("下次评估日期"), null=True, blank=True)
    requires_staff_consultation = models.BooleanField(
        _("须经职工民主程序"),
        default=False,
        help_text=_(
            "涉及劳动纪律、劳动报酬、培训等切身利益的规章,须与职工代表或全体职工讨论协商。"
        ),
    )
    staff_consultation_record = models.TextField(
        _("职工讨论协商记录"),
        blank=True,
        help_text=_("何时、以何种方式与职工讨论协商,意见及采纳情况。"),
    )
    consult_departments = models.ManyToManyField(
        "properties.Department", blank=True, related_name="+", verbose_name=_("征求意见部门")
    )
    settings = models.OneToOneField(
        PolicySettings,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="version",
    )
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    in_force_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("制度版本")
        verbose_name_plural = pgettext_lazy("plural", "制度版本")
        ordering = ["document_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(status="in_force"),
                name="one_version_in_force",
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=models.Q(
                    status__in=["draft", "consultation", "submitted", "returned", "approved"]
                ),
                name="one_revision_in_progress",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.number} v{self.number}"

    @property
    def read_only(self) -> bool:
        return self.status in DECIDED_STATES


class PolicySection(models.Model):
    """A section of a version's body: a heading, sanitised rich text (nh3) and the
    requirement IDs it carries out. `key` follows a section from version to version (the
    diff pairs sections by it)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.PositiveSmallIntegerField()
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    heading = models.CharField(_("章节标题"), max_length=120)
    body = models.TextField(_("正文"))
    requirements = models.JSONField(_("对应需求编号"), default=list, blank=True)

    class Meta:
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="section_key_unique")
        ]

    def __str__(self) -> str:
        return self.heading


class PolicyComment(models.Model):
    """A consultation comment (POL-2): by the manager or a member of a consulted department,
    on one section or (no section) on the whole version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        PolicySection, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "properties.Department", on_delete=models.PROTECT, null=True, related_name="+"
    )
    body = models.TextField(_("意见"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class PolicyStep(models.Model):
    """A step of a version's workflow: who (nobody: the worker), when, from and to which
    status, with their comment."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=VersionStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=VersionStatus.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status}→{self.to_status}"


class PolicyAcknowledgement(models.Model):
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="acknowledged_once")
        ]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.user_id}"


class PolicyEvaluation(models.Model):
    """The periodic evaluation of a document (POL-3), opened by the worker on its review
    date with the figures of the period (computed by reports, registered through
    policies.evaluation); the manager records the conclusion, which may open a revision."""

    document = models.ForeignKey(
        PolicyDocument, on_delete=models.PROTECT, related_name="evaluations"
    )
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("评估日期"))
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    opened_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.OPEN
    )
    conclusion = models.TextField(_("评估结论"), blank=True)
    decision = models.CharField(
        _("决定"), max_length=8, choices=EvaluationDecision.choices, blank=True
    )
    concluded_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    revision = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "due_on"], name="evaluation_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.due_on}"
