"""The supervision group's records (SUP-1, MGT-2): its members, the versioned checklists,
sampling plans, inspections with their item scores and photos, findings and calibrations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.accounts.choices import Post
from wuyedesk.supervision.choices import Kind, PlanStatus, Result, Status

USER = settings.AUTH_USER_MODEL


class GroupMember(models.Model):
    """A member of the supervision group and the remit they were appointed with."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    remit = models.TextField(_("职责范围"))
    appointed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(_("任命时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("卸任时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("监督小组成员")
        verbose_name_plural = pgettext_lazy("plural", "监督小组成员")
        ordering = ["-appointed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(ended_at__isnull=True), name="supervision_member_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Checklist(models.Model):
    """One version of the checklist of a post; a change is a new version, and every
    inspection keeps the version it was scored with."""

    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("名称"), max_length=120)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = pgettext_lazy("plural", "检查表")
        ordering = ["post", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["post", "version"], name="checklist_post_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    # The same code across versions is the same point: repeated findings are matched by it.
    code = models.CharField(_("编号"), max_length=20)
    text = models.CharField(_("检查内容"), max_length=200)
    weight = models.PositiveSmallIntegerField(_("分值"))
    critical = models.BooleanField(_("关键项"), default=False)
    guidance = models.TextField(_("评分指引"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = pgettext_lazy("plural", "检查项")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="checklist_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Plan(models.Model):
    """A month's sampling plan: N tickets and M calls per person, drawn with a stored seed
    (the same seed and month give the same sample)."""

    month = models.DateField(_("月份"))  # the first day of the month
    seed = models.BigIntegerField(_("随机种子"))
    tickets_per_person = models.PositiveSmallIntegerField(_("每人抽查工单数"))
    calls_per_person = models.PositiveSmallIntegerField(_("每人抽查通话数"))
    people = models.ManyToManyField(USER, related_name="+", verbose_name=_("被检查人员"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    progress_done = models.PositiveIntegerField(default=0, editable=False)
    progress_total = models.PositiveIntegerField(default=0, editable=False)
    # People left out: no checklist for their post.
    skipped = models.PositiveIntegerField(default=0, editable=False)
    sampled_at = models.DateTimeField(_("抽样时间"), null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, editable=False)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = pgettext_lazy("plural", "检查计划")
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} #{self.pk}"


class Inspection(models.Model):
    kind = models.CharField(_("检查类型"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="inspections"
    )
    # The place in the plan's seeded order of this person's tickets or calls (sampled only).
    sample_rank = models.PositiveIntegerField(null=True, blank=True, editable=False)
    inspected = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("被检查人")
    )
    inspector = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("检查人"),
    )
    checklist = models.ForeignKey(
        Checklist, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        "telephony.Call", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    script = models.TextField(_("检查脚本"), blank=True)
    planned_for = models.DateField(_("计划日期"), null=True, blank=True)
    due = models.DateField(_("完成期限"))
    period_start = models.DateField(_("统计开始"), null=True, blank=True)
    period_end = models.DateField(_("统计结束"), null=True, blank=True)
    deadline_met = models.PositiveIntegerField(null=True, blank=True)
    deadline_total = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(_("总体评价"), blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    critical_fail = models.BooleanField(_("关键项不合格"), default=False)
    repeated = models.BooleanField(_("有重复问题"), default=False)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    replace_reason = models.CharField(_("替换原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    answer = models.TextField(_("被检查人回复"), blank=True)
    answered_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = pgettext_lazy("plural", "检查")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "due"], name="inspection_status_due_idx"),
            models.Index(fields=["inspected", "status"], name="inspection_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Score(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=4, choices=Result.choices)
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    evidence = models.TextField(_("检查依据"), blank=True)
    comment = models.TextField(_("评语"), blank=True)

    class Meta:
        verbose_name = _("检查项评分")
        verbose_name_plural = pgettext_lazy("plural", "检查项评分")
        ordering = ["item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="score_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}/{self.item_id} {self.result}"


class Photo(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="supervision/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"))
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = pgettext_lazy("plural", "检查照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """A failed item of a closed inspection and the rectification it became."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    person = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    improvement = models.OneToOneField(
        "improvements.ImprovementItem", on_delete=models.PROTECT, related_name="finding"
    )
    repeated = models.BooleanField(_("重复问题"), default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = pgettext_lazy("plural", "检查发现")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "code", "at"], name="finding_repeat_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.person_id}"


class Calibration(models.Model):
    """Two supervisors score the same sampled item blind; their scores are compared once
    both have closed."""

    first = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="+")
    second = models.OneToOneField(Inspection, on_delete=models.CASCADE, related_name="+")
    divergence = models.DecimalField(
        _("差异(分)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    flagged = models.BooleanField(_("待讨论"), default=False)
    compared_at = models.DateTimeField(_("比对时间"), null=True, blank=True)
    discussion = models.TextField(_("讨论结论"), blank=True)
    discussed_at = models.DateTimeField(_("讨论时间"), null=True, blank=True)
    discussed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评分校准")
        verbose_name_plural = pgettext_lazy("plural", "评分校准")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id}"
