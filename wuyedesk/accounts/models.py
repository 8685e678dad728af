import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.accounts.choices import Post, UserKind


class User(AbstractUser):
    """One login. Staff log in by username; residents by the mobile number of their record."""

    kind = models.CharField(
        _("类型"), max_length=10, choices=UserKind.choices, default=UserKind.STAFF
    )
    language = models.CharField(
        _("界面语言"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    resident = models.OneToOneField(
        "properties.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("住户档案"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=UserKind.STAFF, resident__isnull=True)
                | models.Q(kind=UserKind.RESIDENT, resident__isnull=False),
                name="user_resident_iff_resident_kind",
            )
        ]

    @property
    def is_resident(self) -> bool:
        return self.kind == UserKind.RESIDENT

    def itself(self) -> "User":
        """This user. Called through request.user's lazy wrappers, it returns the object they
        wrap (accounts.middleware.UnwrappedUserMiddleware)."""
        return self


class Staff(models.Model):
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="staff")
    name = models.CharField(_("姓名"), max_length=50)
    employee_no = models.CharField(_("工号"), max_length=20, unique=True)
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属部门"),
    )
    communities = models.ManyToManyField(
        "properties.Community", related_name="staff", blank=True, verbose_name=_("负责小区")
    )
    phone = models.CharField(_("工作电话"), max_length=20, blank=True)
    extension = models.CharField(_("分机号"), max_length=10, blank=True)
    email = models.EmailField(_("工作邮箱"), blank=True)
    hire_date = models.DateField(_("入职日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = pgettext_lazy("plural", "员工")
        ordering = ["employee_no"]
        constraints = [
            # A screen pop reaches one person: an extension belongs to one active colleague.
            models.UniqueConstraint(
                fields=["extension"],
                condition=~models.Q(extension="") & models.Q(archived_at__isnull=True),
                name="staff_extension_unique_active",
                violation_error_message=_("该分机号已有其他员工使用。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def post_list(self) -> list[str]:
        return sorted(p.post for p in self.posts.all())

    def post_labels(self) -> str:
        return "、".join(str(Post(p).label) for p in self.post_list)


class StaffPost(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="posts")
    post = models.CharField(_("岗位"), max_length=20, choices=Post.choices)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = pgettext_lazy("plural", "岗位")
        constraints = [models.UniqueConstraint(fields=["staff", "post"], name="staffpost_unique")]

    def __str__(self) -> str:
        return self.get_post_display()


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the raw value is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = pgettext_lazy("plural", "API 令牌")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @staticmethod
    def generate() -> str:
        return "wd_" + secrets.token_urlsafe(32)
