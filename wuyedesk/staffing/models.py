"""Shifts, duty rosters, clock records, leave and correction requests (MGT-1, AST-5).

A shift is a time of day (it may cross midnight: 22:00–06:00); a roster entry puts one person
on one shift on one day, at one duty, for a department and, where it matters, a community.
Clock records keep the server's time and the client's address (staff data). Lateness, early
leave and absence are not stored: they are computed from these rows and the settings of the
regulation version in force on the day (attendance.py), so a changed threshold or an approved
leave or correction shows at once.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.staffing.choices import ClockSource, Duty, LeaveKind, RequestStatus


class Shift(models.Model):
    name = models.CharField(_("班次名称"), max_length=40, unique=True)
    start = models.TimeField(_("上班时间"))
    end = models.TimeField(_("下班时间"))
    archived = models.BooleanField(_("已停用"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = pgettext_lazy("plural", "班次")
        ordering = ["start", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def bounds(self, day: dt.date, tz) -> tuple[dt.datetime, dt.datetime]:
        """(start, end) of this shift worked on `day`, in `tz` (the end on the next day when
        the shift crosses midnight)."""
        start = dt.datetime.combine(day, self.start, tzinfo=tz)
        end_day = day + dt.timedelta(days=1) if self.crosses_midnight else day
        return start, dt.datetime.combine(end_day, self.end, tzinfo=tz)


class RosterEntry(models.Model):
    department = models.ForeignKey(
        "properties.Department",
        on_delete=models.PROTECT,
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
    date = models.DateField(_("日期"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="roster_entries",
        verbose_name=_("值班人员"),
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="entries", verbose_name=_("班次")
    )
    duty = models.CharField(_("岗位职责"), max_length=10, choices=Duty.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = pgettext_lazy("plural", "排班")
        ordering = ["date", "shift__start", "duty"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "date", "shift"],
                name="staffing_roster_one_shift_a_day",
                violation_error_message=_("此人当天已排此班次。"),
            )
        ]
        indexes = [
            models.Index(fields=["department", "date"], name="staffing_roster_dept_date"),
            models.Index(fields=["user", "date"], name="staffing_roster_user_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.shift.name} {self.get_duty_display()}"


class ClockRecord(models.Model):
    """One person's clock-in and clock-out of one roster day (the shift's start day)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="clock_records",
        verbose_name=_("员工"),
    )
    date = models.DateField(_("日期"))
    clock_in = models.DateTimeField(_("上班打卡"), null=True, blank=True)
    clock_out = models.DateTimeField(_("下班打卡"), null=True, blank=True)
    in_ip = models.GenericIPAddressField(_("上班打卡地址"), null=True, blank=True)
    out_ip = models.GenericIPAddressField(_("下班打卡地址"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=ClockSource.choices, default=ClockSource.WEB
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("打卡记录")
        verbose_name_plural = pgettext_lazy("plural", "打卡记录")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="staffing_clock_one_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}"


class _Request(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("申请人"),
    )
    reason = models.CharField(_("事由"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        abstract = True


class LeaveRequest(_Request):
    kind = models.CharField(_("假别"), max_length=10, choices=LeaveKind.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("请假申请")
        verbose_name_plural = pgettext_lazy("plural", "请假申请")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "status", "start_date"], name="staffing_leave_user"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date}–{self.end_date}"


class CorrectionRequest(_Request):
    date = models.DateField(_("考勤日期"))

    class Meta:
        verbose_name = _("考勤更正申请")
        verbose_name_plural = pgettext_lazy("plural", "考勤更正申请")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "status", "date"], name="staffing_correction_user"),
        ]

    def __str__(self) -> str:
        return f"{self.date}"
