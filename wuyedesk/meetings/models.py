"""Department meetings (SUP-3, AST-2) and internal notices (AST-5).

A series is the department's standing meeting (the weekly meeting: a weekday, a time, who
attends); a meeting is one sitting, of a series or on its own. Its agenda is proposed from the
data (open action items of the series, overdue tickets, new complaints, survey and inspection
findings) and edited by the organiser. The minutes keep the discussion apart from the
decisions; the assistant drafts them and the manager approves them. Action items have one
owner and a deadline; they are in force once the minutes are approved.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.meetings.choices import AgendaSource, Attendance, MinutesStatus, Weekday

USER = settings.AUTH_USER_MODEL


class MeetingSeries(models.Model):
    title = models.CharField(_("名称"), max_length=120)
    department = models.ForeignKey(
        "properties.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    # None: the whole department's meeting; otherwise one community's.
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    start_time = models.TimeField(_("开始时间"))
    duration_minutes = models.PositiveSmallIntegerField(_("时长(分钟)"))
    location = models.CharField(_("地点"), max_length=120, blank=True)
    attendees = models.ManyToManyField(USER, related_name="+", verbose_name=_("参会人"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("例会")
        verbose_name_plural = pgettext_lazy("plural", "例会")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("例会"),
    )
    title = models.CharField(_("会议名称"), max_length=120)
    department = models.ForeignKey(
        "properties.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    starts_at = models.DateTimeField(_("开始时间"))
    duration_minutes = models.PositiveSmallIntegerField(_("时长(分钟)"))
    location = models.CharField(_("地点"), max_length=120, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    # The minutes: the discussion here, the decisions and action items in their own rows.
    minutes_status = models.CharField(
        _("纪要状态"), max_length=10, choices=MinutesStatus.choices, blank=True, default=""
    )
    discussion = models.TextField(_("讨论情况"), blank=True)
    drafted_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    pdf = models.FileField(upload_to="minutes/%Y/", blank=True)
    pdf_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = pgettext_lazy("plural", "会议")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["department", "starts_at"], name="meeting_dept_idx"),
            models.Index(fields=["series", "starts_at"], name="meeting_series_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def pdf_rendering(self) -> bool:
        return (
            self.pdf_requested_at is not None
            and self.pdf_rendered_at is None
            and not self.pdf_error
        )


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(
        _("出席情况"), max_length=8, choices=Attendance.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("参会人")
        verbose_name_plural = pgettext_lazy("plural", "参会人")
        ordering = ["user__staff__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendee_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.user_id}"


class ActionItem(models.Model):
    """One thing to do, by one person, by a day. In force once the minutes are approved."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("行动项"), max_length=200)
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("负责人")
    )
    due = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("行动项")
        verbose_name_plural = pgettext_lazy("plural", "行动项")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["owner", "done_at"], name="action_owner_idx")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    title = models.CharField(_("议题"), max_length=200)
    note = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=AgendaSource.choices)
    # What a proposed item is about ("action:12", "ticket:345", "overdue", …): a new proposal
    # skips what the agenda already has, and what the organiser removed (dismissed).
    key = models.CharField(max_length=80, blank=True)
    link = models.CharField(max_length=200, blank=True)
    action = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    dismissed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = pgettext_lazy("plural", "议程")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("决定"))
    improvement = models.OneToOneField(
        "improvements.ImprovementItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("改进事项"),
    )

    class Meta:
        verbose_name = _("会议决定")
        verbose_name_plural = pgettext_lazy("plural", "会议决定")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Notice(models.Model):
    """An internal notice to the staff of a department or of a community (AST-5)."""

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("部门"),
    )
    community = models.ForeignKey(
        "properties.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("小区"),
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        verbose_name = _("内部通知")
        verbose_name_plural = pgettext_lazy("plural", "内部通知")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知接收人")
        verbose_name_plural = pgettext_lazy("plural", "通知接收人")
        ordering = ["user__staff__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="notice_recipient_once"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_unread_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id}:{self.user_id}"
