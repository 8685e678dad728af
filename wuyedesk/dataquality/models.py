"""What the data-quality worklist keeps: the false positives someone dismissed, and a daily
count per kind of problem and community (the trend on the assistant's home)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.dataquality.choices import Problem


class Dismissal(models.Model):
    """A row of the worklist someone said is not a problem ("not a duplicate"): it stays off
    the list. `other_id` is the second resident of a duplicate pair (0 for other kinds)."""

    kind = models.CharField(_("类型"), max_length=20, choices=Problem.choices)
    object_id = models.BigIntegerField(_("对象编号"))
    other_id = models.BigIntegerField(_("另一对象编号"), default=0)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("排除的数据问题")
        verbose_name_plural = pgettext_lazy("plural", "排除的数据问题")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "other_id"], name="dq_dismissal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id}"


class Snapshot(models.Model):
    """The number of rows of one kind in one community on one day (community null: rows
    with no community, such as mail not yet matched to anyone)."""

    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=Problem.choices)
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    count = models.PositiveIntegerField(_("数量"))

    class Meta:
        verbose_name = _("数据问题日统计")
        verbose_name_plural = pgettext_lazy("plural", "数据问题日统计")
        ordering = ["day", "kind"]
        indexes = [models.Index(fields=["day", "kind"], name="dq_snapshot_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.count}"
