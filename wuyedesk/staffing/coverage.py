"""Whether the service counter and the phone line are covered in service hours (MGT-1).

On each working day of the regulation's calendar (policies/calendar.py), each hour of the
service hours (`service_day_start` … `service_day_end`) must have someone on every duty the
version in force names (`roster_cover_counter`, `roster_cover_phone`). An hour is covered
when the rostered shifts on that duty (of the department, for the community or for all of its
communities) together span it; a person on approved leave that day covers nothing, and
someone the induction gate holds (training.selectors) covers no hour of the phone line. An hour
that is not covered is a gap: flagged on the roster page and counted on the manager's home.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from wuyedesk.policies import calendar
from wuyedesk.policies.services.settings import policy_at
from wuyedesk.staffing.choices import Duty, RequestStatus
from wuyedesk.staffing.models import LeaveRequest, RosterEntry
from wuyedesk.training.selectors import induction_blocked_ids

SLOT = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Gap:
    date: dt.date
    at: dt.time
    duty: str

    @property
    def duty_label(self) -> str:
        return Duty(self.duty).label


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())


def settings_of(day: dt.date):
    return policy_at(_noon(day))


def is_working(day: dt.date) -> bool:
    return calendar.is_working_day(day, settings_of(day))


def required_duties(settings) -> list[str]:
    duties = []
    if settings.roster_cover_counter:
        duties.append(Duty.COUNTER.value)
    if settings.roster_cover_phone:
        duties.append(Duty.PHONE.value)
    return duties


def _covered(intervals, begin: dt.datetime, end: dt.datetime) -> bool:
    reach = begin
    for s, e in sorted(intervals):
        if s > reach:
            return False
        reach = max(reach, e)
        if reach >= end:
            return True
    return reach >= end


def gaps(*, department_id: int, community_id: int | None, start: dt.date, end: dt.date):
    """The uncovered service hours of the department (and community) over start..end."""
    tz = timezone.get_default_timezone()
    entries = list(
        RosterEntry.objects.filter(
            department_id=department_id,
            date__range=(start - dt.timedelta(days=1), end),
        )
        .filter(**({} if community_id is None else {"community_id__in": [community_id]}))
        .select_related("shift")
        .only("date", "duty", "user_id", "community_id", "shift__start", "shift__end")
    )
    if community_id is not None:
        entries += list(
            RosterEntry.objects.filter(
                department_id=department_id,
                community__isnull=True,
                date__range=(start - dt.timedelta(days=1), end),
            )
            .select_related("shift")
            .only("date", "duty", "user_id", "community_id", "shift__start", "shift__end")
        )
    leave = defaultdict(list)
    for user_id, first, last in LeaveRequest.objects.filter(
        user_id__in={e.user_id for e in entries},
        status=RequestStatus.APPROVED,
        start_date__lte=end,
        end_date__gte=start - dt.timedelta(days=1),
    ).values_list("user_id", "start_date", "end_date"):
        leave[user_id].append((first, last))
    # Someone the induction gate holds covers no hour of the phone line on their own (MGT-4).
    held = induction_blocked_ids({e.user_id for e in entries if e.duty == Duty.PHONE})
    by_duty = defaultdict(list)
    for entry in entries:
        if any(first <= entry.date <= last for first, last in leave[entry.user_id]):
            continue
        if entry.duty == Duty.PHONE and entry.user_id in held:
            continue
        by_duty[entry.duty].append(entry.shift.bounds(entry.date, tz))
    found = []
    day = start
    company = calendar.company_days()
    while day <= end:
        settings = settings_of(day)
        if calendar.day_of(day, settings, company).working:
            opens = dt.datetime.combine(day, settings.service_day_start, tzinfo=tz)
            closes = dt.datetime.combine(day, settings.service_day_end, tzinfo=tz)
            for duty in required_duties(settings):
                slot = opens
                while slot < closes:
                    slot_end = min(slot + SLOT, closes)
                    if not _covered(by_duty[duty], slot, slot_end):
                        found.append(Gap(day, slot.time(), duty))
                    slot = slot_end
        day += dt.timedelta(days=1)
    return sorted(found, key=lambda g: (g.date, g.at, g.duty))
