"""A person's attendance day by day, computed from the rows (MGT-1).

Nothing of lateness or absence is stored: each roster day is judged from the person's shifts
that day, their clock record, approved leave and approved corrections, with the settings of
the regulation version in force when the day's first shift starts (`policy_at`):

- a clock-in no later than shift start + `attendance_grace_minutes` is on time, after it late;
- a clock-in later than shift start + `attendance_absence_minutes` is a half-day absence
  (instead of a lateness); no clock-in at all once the shift is over is a full-day absence
  (two half days);
- a clock-out before shift end − `attendance_grace_minutes` is an early leave;
- a day inside an approved leave is a leave day, never an absence; a day with an approved
  correction is a present day without lateness, early leave or absence.

Days whose shift has not started yet are not counted. Leave days are the days of approved
leave that are rostered or working days of the regulation's calendar.

Four queries for any number of people (rosters, clock records, leave, corrections); the
regulation's timeline and the company's calendar are kept per process.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from wuyedesk.policies import calendar
from wuyedesk.policies.services.settings import policy_at
from wuyedesk.staffing.choices import RequestStatus
from wuyedesk.staffing.models import ClockRecord, CorrectionRequest, LeaveRequest, RosterEntry


@dataclass(frozen=True)
class AttendanceFigures:
    scheduled_days: int = 0
    present_days: int = 0
    late: int = 0
    early_leave: int = 0
    absent_half_days: int = 0
    leave_days: Decimal = Decimal(0)


@dataclass
class Day:
    """One rostered day of one person, judged."""

    user_id: int
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    shifts: list[str] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)
    clock_in: dt.datetime | None = None
    clock_out: dt.datetime | None = None
    on_leave: bool = False
    corrected: bool = False
    pending: bool = False  # the shift is not over and nobody has clocked in yet
    late_minutes: int = 0
    early_minutes: int = 0
    late: bool = False
    early_leave: bool = False
    absent_half_days: int = 0
    grace: int = 0
    threshold: int = 0

    @property
    def present(self) -> bool:
        return self.corrected or self.clock_in is not None

    @property
    def exception(self) -> bool:
        return self.late or self.early_leave or self.absent_half_days > 0


@dataclass
class Person:
    days: list[Day] = field(default_factory=list)
    leave_dates: set[dt.date] = field(default_factory=set)

    def figures(self) -> AttendanceFigures:
        counted = [d for d in self.days if not d.pending]
        return AttendanceFigures(
            scheduled_days=len(self.days),
            present_days=sum(1 for d in counted if d.present),
            late=sum(1 for d in counted if d.late),
            early_leave=sum(1 for d in counted if d.early_leave),
            absent_half_days=sum(d.absent_half_days for d in counted),
            leave_days=Decimal(len(self.leave_dates)),
        )


def _dates(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def judge(day: Day, *, now: dt.datetime, settings) -> Day:
    """Set the day's lateness, early leave and absence by `settings`."""
    day.grace = settings.attendance_grace_minutes
    day.threshold = settings.attendance_absence_minutes
    if day.on_leave or day.corrected:
        return day
    if day.clock_in is None:
        if now >= day.end:
            day.absent_half_days = 2
        else:
            day.pending = True
        return day
    day.late_minutes = max(0, int((day.clock_in - day.start).total_seconds() // 60))
    if day.clock_in > day.start + dt.timedelta(minutes=day.threshold):
        day.absent_half_days = 1
    elif day.clock_in > day.start + dt.timedelta(minutes=day.grace):
        day.late = True
    if day.clock_out is not None:
        day.early_minutes = max(0, int((day.end - day.clock_out).total_seconds() // 60))
        if day.clock_out < day.end - dt.timedelta(minutes=day.grace):
            day.early_leave = True
    return day


def people(user_ids, start: dt.date, end: dt.date, *, now: dt.datetime | None = None):
    """{user id: Person} for the days start..end (inclusive), every id present."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    ids = list({int(i) for i in user_ids})
    result = {i: Person() for i in ids}
    if not ids or end < start:
        return result
    built: dict[tuple[int, dt.date], Day] = {}
    entries = (
        RosterEntry.objects.filter(user_id__in=ids, date__range=(start, end))
        .select_related("shift")
        .order_by("date", "shift__start")
    )
    for entry in entries:
        s, e = entry.shift.bounds(entry.date, tz)
        key = (entry.user_id, entry.date)
        day = built.get(key)
        if day is None:
            day = built[key] = Day(entry.user_id, entry.date, s, e)
        day.start, day.end = min(day.start, s), max(day.end, e)
        day.shifts.append(entry.shift.name)
        day.duties.append(entry.duty)
    clocks = ClockRecord.objects.filter(user_id__in=ids, date__range=(start, end)).values_list(
        "user_id", "date", "clock_in", "clock_out"
    )
    clocked = {(u, d): (i, o) for u, d, i, o in clocks}
    leaves = LeaveRequest.objects.filter(
        user_id__in=ids,
        status=RequestStatus.APPROVED,
        start_date__lte=end,
        end_date__gte=start,
    ).values_list("user_id", "start_date", "end_date")
    leave_dates: dict[int, set[dt.date]] = defaultdict(set)
    for user_id, first, last in leaves:
        leave_dates[user_id].update(_dates(max(first, start), min(last, end)))
    corrected = set(
        CorrectionRequest.objects.filter(
            user_id__in=ids, status=RequestStatus.APPROVED, date__range=(start, end)
        ).values_list("user_id", "date")
    )
    company = calendar.company_days()
    for (user_id, date), day in sorted(built.items(), key=lambda kv: kv[0][1]):
        if day.start > now:
            continue
        day.clock_in, day.clock_out = clocked.get((user_id, date), (None, None))
        day.on_leave = date in leave_dates[user_id]
        day.corrected = (user_id, date) in corrected
        result[user_id].days.append(judge(day, now=now, settings=policy_at(day.start)))
    for user_id, dates in leave_dates.items():
        rostered = {d.date for d in result[user_id].days}
        for date in dates:
            noon = dt.datetime.combine(date, dt.time(12), tzinfo=tz)
            if date in rostered or calendar.day_of(date, policy_at(noon), company).working:
                result[user_id].leave_dates.add(date)
    return result


def summary(user_ids, start: dt.date, end: dt.date, *, now=None) -> dict[int, AttendanceFigures]:
    return {u: p.figures() for u, p in people(user_ids, start, end, now=now).items()}
