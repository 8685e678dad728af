"""The resident portal's own records: sign-ups waiting for an assistant, ratings of handled
tickets (SUP-2) and announcements to a community or building."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.lib.privacy import mask_phone, validate_mobile

USER = settings.AUTH_USER_MODEL


class SignupStatus(models.TextChoices):
    VERIFYING = "verifying", _("待验证手机号")
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REFUSED = "refused", _("已拒绝")


class Signup(models.Model):
    """A portal sign-up. With an SMS gateway it first waits for the one-time code sent to its
    number (VERIFYING); a proven number that is on record for someone living in the room is
    linked to them, anything else — and every sign-up when there is no gateway — waits for
    an assistant of that community (PENDING) to link it to a resident or refuse it."""

    phone = models.CharField(_("手机号"), max_length=20, validators=[validate_mobile])
    name = models.CharField(_("姓名"), max_length=50)
    email = models.EmailField(_("邮箱"), blank=True)
    room = models.ForeignKey(
        "properties.Room", on_delete=models.PROTECT, related_name="+", verbose_name=_("房屋")
    )
    # Copied from the room so that the assistants' queue is one indexed filter.
    community = models.ForeignKey(
        "properties.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The password the applicant chose, hashed as Django hashes any password.
    password = models.CharField(max_length=128, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.PENDING
    )
    reason = models.CharField(_("拒绝原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # The one-time code: only a keyed digest of it is kept (channels.services.signup._code_digest).
    # The applicant's client holds a random verification token; its SHA-256 is kept here, so a
    # guessed row id cannot be used to try (and burn) somebody else's code.
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_tries = models.PositiveSmallIntegerField(default=0, editable=False)
    code_sends = models.PositiveSmallIntegerField(default=0, editable=False)
    phone_verified_at = models.DateTimeField(
        _("手机号验证时间"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("注册申请")
        verbose_name_plural = pgettext_lazy("plural", "注册申请")
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "status", "-id"], name="signup_queue_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.masked_phone}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Rating(models.Model):
    """A resident's 1–5 stars and comment on one ticket (SUP-2), once per ticket, attributed
    to the staff who handled it (its owner, department assignees and repliers)."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="rating", verbose_name=_("工单")
    )
    community = models.ForeignKey(
        "properties.Community", on_delete=models.PROTECT, related_name="+", editable=False
    )
    resident = models.ForeignKey(
        "properties.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("客户")
    )
    stars = models.PositiveSmallIntegerField(
        _("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("评价内容"), blank=True, max_length=500)
    staff = models.ManyToManyField(USER, related_name="ratings", verbose_name=_("经办人员"))
    departments = models.ManyToManyField(
        "properties.Department", related_name="+", verbose_name=_("经办部门")
    )
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = pgettext_lazy("plural", "服务评价")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["community", "created_at"], name="rating_community_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.stars}★"


class Announcement(models.Model):
    """A notice from the company (water cut, lift maintenance) to a community or one building.
    Shown on the portal from `publish_at`; e-mailed once to residents with an address."""

    community = models.ForeignKey(
        "properties.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("小区")
    )
    building = models.ForeignKey(
        "properties.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("楼栋"),
        help_text=_("留空则发给全小区。"),
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), max_length=5000)
    publish_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Claimed by a conditional update, so that the e-mails go out once with any number of workers.
    emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    emailed_count = models.PositiveIntegerField(default=0, editable=False)
    # Corrected after it was written (its e-mail, if already sent, is not sent again).
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True, editable=False)
    # Withdrawn: no longer shown on the portal, and not e-mailed if it was not yet.
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("公告")
        verbose_name_plural = pgettext_lazy("plural", "公告")
        ordering = ["-publish_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-publish_at"], name="announcement_scope_idx"),
            models.Index(
                fields=["publish_at"],
                name="announcement_unsent_idx",
                condition=Q(emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.publish_at <= timezone.now()
