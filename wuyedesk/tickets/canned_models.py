"""The canned reply (快捷回复, issue #12 point 7): a title and a text with placeholders, shared
by a department or kept by one person. Imported by tickets/models.py, so Django finds it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX = 60
BODY_MAX = 2000


class CannedReply(models.Model):
    title = models.CharField(_("标题"), max_length=TITLE_MAX)
    body = models.TextField(_("内容"), max_length=BODY_MAX)
    # Exactly one of the two: shared by a department, or one person's own.
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("共享给部门"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("个人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("快捷回复")
        verbose_name_plural = pgettext_lazy("plural", "快捷回复")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(department__isnull=True, owner__isnull=False)
                | Q(department__isnull=False, owner__isnull=True),
                name="canned_reply_shared_or_personal",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def personal(self) -> bool:
        return self.owner_id is not None
