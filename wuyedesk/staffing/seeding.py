"""Demo rosters and attendance (`wuyedesk seed`, after the meetings; MGT-1).

The story: the customer-service department's shifts (白班, 早班, 晚班), its roster for the
last three weeks and the coming week (each specialist at their community's counter on the
day shift, two of them on the phone line early and late), clock records of the past days
(mostly on time, a few late, one half-day absence, one day without any clock-in), one
approved leave, one correction waiting for the manager. Bounded and deterministic.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.staffing import coverage, services
from wuyedesk.staffing.clock_import import clock_import
from wuyedesk.staffing.models import ClockRecord, Shift

SHIFTS = (("白班", dt.time(8, 30), dt.time(17, 30)), ("早班", dt.time(8, 0), dt.time(13, 0)))
LATE_SHIFT = ("晚班", dt.time(13, 0), dt.time(18, 30))
WEEKS_BACK, PEOPLE = 3, 6


def _people(department_id):
    return list(
        User.objects.filter(
            staff__department_id=department_id,
            staff__posts__post=Post.SPECIALIST,
            staff__archived_at__isnull=True,
            is_active=True,
        )
        .select_related("staff")
        .prefetch_related("staff__communities")
        .order_by("staff__employee_no")[:PEOPLE]
    )


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Shift.objects.exists():
        return {}
    manager = (
        User.objects.filter(staff__posts__post=Post.MANAGER, staff__department__isnull=False)
        .order_by("staff__employee_no")
        .first()
    )
    if manager is None:
        return {}
    people = _people(manager.staff.department_id)
    if len(people) < 2:
        return {}
    day_shift, early = (
        services.shift_save(by=manager, name=n, start=s, end=e) for n, s, e in SHIFTS
    )
    late = services.shift_save(
        by=manager, name=LATE_SHIFT[0], start=LATE_SHIFT[1], end=LATE_SHIFT[2]
    )
    rng = random.Random(seed)  # noqa: S311  (demo data)
    tz = timezone.get_default_timezone()
    today = timezone.localdate()
    first = today - dt.timedelta(days=today.weekday() + 7 * WEEKS_BACK)
    phone = people[:2]
    entries = records = 0
    rows = ["工号,日期,上班,下班"]
    day = first
    while day < today + dt.timedelta(days=7):
        if coverage.is_working(day):
            for i, person in enumerate(people):
                if person in phone:
                    shift = early if (i + day.toordinal()) % 2 else late
                    services.roster_add(
                        by=manager, user=person, date=day, shift=shift, duty="phone"
                    )
                else:
                    community = person.staff.communities.first()
                    services.roster_add(
                        by=manager,
                        user=person,
                        date=day,
                        shift=day_shift,
                        duty="counter",
                        community=community,
                    )
                    shift = day_shift
                entries += 1
                if day >= today:
                    continue
                start = dt.datetime.combine(day, shift.start, tzinfo=tz)
                end = dt.datetime.combine(day, shift.end, tzinfo=tz)
                roll = rng.random()
                if roll < 0.02:
                    continue  # no clock-in at all
                late_by = 75 if roll < 0.04 else (12 if roll < 0.12 else rng.randint(-15, 3))
                clock_in = (start + dt.timedelta(minutes=late_by)).strftime("%H:%M")
                clock_out = (end + dt.timedelta(minutes=rng.randint(0, 40))).strftime("%H:%M")
                rows.append(f"{person.staff.employee_no},{day.isoformat()},{clock_in},{clock_out}")
                records += 1
        day += dt.timedelta(days=1)
    # The time clock's file of the past days, imported as the manager would.
    imported = clock_import(by=manager, filename="timeclock.csv", content="\n".join(rows).encode())
    if imported["errors"]:
        raise ValueError(imported["errors"][:3])
    leave_day = today - dt.timedelta(days=9)
    leave = services.leave_request(
        by=people[-1], kind="annual", start_date=leave_day, end_date=leave_day, reason="家中有事"
    )
    services.decide(by=manager, request=leave, approve=True)
    missing = ClockRecord.objects.filter(user=people[0], date__lt=today).order_by("date").first()
    if missing is not None:
        services.correction_request(
            by=people[0], date=missing.date, reason="门禁故障,上班打卡未记录"
        )
    return {"roster entries": entries, "clock records": records}
