"""The monthly attendance sheet of a person and of a department, and the manager's exceptions
list (MGT-1): read from attendance.py, scoped by rules.py."""

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from wuyedesk.staffing import attendance, coverage, rules
from wuyedesk.staffing.choices import RequestStatus
from wuyedesk.staffing.models import CorrectionRequest, LeaveRequest


def month_of(text: str | None) -> tuple[dt.date, dt.date]:
    """(first, last day) of the month "YYYY-MM"; the present month for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        first = dt.date(year, month, 1)
    except (TypeError, ValueError):
        today = timezone.localdate()
        first = today.replace(day=1)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    return first, last


@dataclass
class Row:
    user_id: int
    name: str
    employee_no: str
    figures: attendance.AttendanceFigures


def department_rows(user, first: dt.date, last: dt.date) -> list[Row]:
    people = list(
        rules.staff_users(user)
        .select_related("staff")
        .only("id", "staff__name", "staff__employee_no")
        .order_by("staff__employee_no")
    )
    figures = attendance.summary([p.pk for p in people], first, last)
    return [Row(p.pk, p.staff.name, p.staff.employee_no, figures[p.pk]) for p in people]


def exception_days(user, first: dt.date, last: dt.date) -> list[tuple[str, attendance.Day]]:
    """(name, day) of every late, early or absent day of the people `user` reads."""
    names = dict(rules.staff_users(user).values_list("id", "staff__name"))
    found = attendance.people(names, first, last)
    rows = [(names[u], d) for u, p in found.items() for d in p.days if d.exception]
    return sorted(rows, key=lambda r: (r[1].date, r[0]), reverse=True)


def pending_requests(user):
    """(leave, corrections) waiting for `user`'s decision."""
    if not rules.may_approve(user) and rules.department_ids(user) is not None:
        return LeaveRequest.objects.none(), CorrectionRequest.objects.none()
    people = rules.staff_users(user).exclude(pk=user.pk)
    leave = LeaveRequest.objects.filter(status=RequestStatus.SUBMITTED, user__in=people)
    corrections = CorrectionRequest.objects.filter(status=RequestStatus.SUBMITTED, user__in=people)
    return (
        leave.select_related("user__staff").order_by("start_date"),
        corrections.select_related("user__staff").order_by("date"),
    )


def home_counts(user) -> dict | None:
    """The manager's and the assistant's figures: this month's exceptions, requests waiting,
    and uncovered service hours of the department this week (from today)."""
    if not rules.may_edit_rosters(user):
        return None
    first, last = month_of(None)
    leave, corrections = pending_requests(user)
    today = timezone.localdate()
    gaps = coverage.gaps(
        department_id=rules.own_department_id(user),
        community_id=None,
        start=today,
        end=today + dt.timedelta(days=6),
    )
    return {
        "exceptions": len(exception_days(user, first, min(last, today))),
        "requests": leave.count() + corrections.count(),
        "gaps": len(gaps),
    }
