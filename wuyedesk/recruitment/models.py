"""Recruitment (MGR-2): an opening of a post in a department and its communities, its
candidates (personal data masked as residents' are), the record of each stage with its
interviewer and note, the offer, and the staff account a hire became."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.accounts.choices import Post
from wuyedesk.lib.privacy import mask_id_number, mask_phone
from wuyedesk.recruitment.choices import OpeningStatus, Source, Stage

HEADCOUNT_MAX = 100


class Opening(models.Model):
    title = models.CharField(_("职位名称"), max_length=80)
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices)
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("部门"),
    )
    communities = models.ManyToManyField(
        "properties.Community", related_name="+", verbose_name=_("负责小区")
    )
    headcount = models.PositiveSmallIntegerField(
        _("招聘人数"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(HEADCOUNT_MAX)],
    )
    description = models.TextField(_("职位要求"), max_length=2000, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=OpeningStatus.choices, default=OpeningStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    opened_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("招聘职位")
        verbose_name_plural = pgettext_lazy("plural", "招聘职位")
        ordering = ["-id"]
        indexes = [models.Index(fields=["department", "status"], name="recruit_opening_dept_idx")]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    opening = models.ForeignKey(
        Opening, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("招聘职位")
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=20)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    stage = models.CharField(
        _("阶段"), max_length=10, choices=Stage.choices, default=Stage.SCREENING
    )
    # The CV: stored under a random name; the uploader's file name is not kept (it often
    # carries the person's name or phone number).
    cv = models.FileField(upload_to="recruitment/%Y/%m/", blank=True)
    cv_size = models.PositiveBigIntegerField(default=0)
    cv_content_type = models.CharField(max_length=60, blank=True)
    offer_date = models.DateField(_("录用通知日期"), null=True, blank=True)
    offer_post = models.CharField(_("录用岗位"), max_length=20, choices=Post.choices, blank=True)
    start_date = models.DateField(_("入职日期"), null=True, blank=True)
    staff = models.OneToOneField(
        "accounts.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("员工账号"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("应聘人")
        verbose_name_plural = pgettext_lazy("plural", "应聘人")
        ordering = ["-id"]
        indexes = [models.Index(fields=["opening", "stage"], name="recruit_candidate_stage_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def cv_name(self) -> str:
        return f"cv-{self.pk}.{self.cv.name.rsplit('.', 1)[-1]}" if self.cv else ""


class StageRecord(models.Model):
    """One step of a candidate: the stage they were in or moved to, who interviewed, when,
    and the note."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="records", verbose_name=_("应聘人")
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    note = models.TextField(_("备注"), max_length=2000, blank=True)
    interviewer = models.ForeignKey(
        "accounts.Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("面试官"),
    )
    held_on = models.DateField(_("日期"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("记录人"),
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("招聘记录")
        verbose_name_plural = pgettext_lazy("plural", "招聘记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.get_stage_display()}"
