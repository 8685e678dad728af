"""The customer archive (AST-1): documents kept with a household (room) or a resident, their
type's retention after move-out, and the record of their destruction."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from wuyedesk.archive.choices import DestructionMethod


class DocumentType(models.Model):
    """A kind of document (purchase contract, lease, move-in form, ID copy, …): how long it
    is kept after the occupancy ends, how large a file may be, and whether opening it needs
    the right to see personal data in full (an ID copy)."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    retention_months = models.PositiveSmallIntegerField(
        _("迁出后保留(月)"),
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("入住关系结束后保留这么多个月,然后列入待销毁清单。"),
    )
    sensitive = models.BooleanField(
        _("含敏感个人信息"),
        default=False,
        help_text=_("如身份证复印件:只有可查看完整个人信息的岗位能打开文件。"),
    )
    max_size_mb = models.PositiveSmallIntegerField(
        _("文件大小上限(MB)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("档案类型")
        verbose_name_plural = pgettext_lazy("plural", "档案类型")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Document(models.Model):
    doc_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name=_("类型")
    )
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("小区"),
    )
    room = models.ForeignKey(
        "properties.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("房屋"),
    )
    resident = models.ForeignKey(
        "properties.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="archive_documents",
        verbose_name=_("住户"),
    )
    title = models.CharField(_("标题"), max_length=120)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    # Stored under a random name; the uploader's name is kept only to show.
    file = models.FileField(upload_to="archive/%Y/%m/", blank=True)
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    content_type = models.CharField(max_length=60, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("销毁时间"), null=True, blank=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("销毁人"),
    )
    destruction_method = models.CharField(
        _("销毁方式"), max_length=10, choices=DestructionMethod.choices, blank=True
    )
    destruction_note = models.CharField(_("销毁说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("客户档案")
        verbose_name_plural = pgettext_lazy("plural", "客户档案")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(room__isnull=False) | Q(resident__isnull=False),
                name="archive_document_has_owner",
            )
        ]
        indexes = [
            models.Index(fields=["community", "-id"], name="archive_community_idx"),
            models.Index(
                fields=["community", "id"],
                name="archive_kept_idx",
                condition=Q(destroyed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None
