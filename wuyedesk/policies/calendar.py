"""Working-day arithmetic for the regulation's clocks (issue #14 point 5, POL-3).

A clock counts either calendar hours (around the clock) or working hours: the company's
service hours (`PolicySettings.service_day_start` … `service_day_end`, local time) on working
days. A day is a working day by, in this order:

1. the company's own days (`CalendarDay`: a typhoon day or local holiday off, an extra working
   day), edited by the administrator;
2. the national calendar of public holidays and adjusted working days (调休) of the
   maintained package chinesecalendar, when `use_holiday_calendar` is on (it knows the
   years its release covers; a later year falls back to step 3 until the package is updated);
3. Monday to Friday.

The company's days are read once per process and kept until the reference data changes
(core/reference.py), so computing a deadline never queries the database per ticket.

A deadline is computed once, when its clock starts, from the settings in force then; the
result (`Deadline.basis()`) is stored on the ticket, which shows how it was computed.
"""

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wuyedesk.core import reference
from wuyedesk.policies.choices import ClockHours, ClockStart
from wuyedesk.policies.models import CalendarDay

# Longest search for working time: a year of days off in a row is a broken calendar.
_MAX_DAYS = 400
_HOLIDAY_ZH = {h.value: h.chinese for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class Day:
    working: bool
    zh: str = ""  # the name of a day off or of an adjusted working day, when it has one
    en: str = ""


@dataclass
class Deadline:
    start: dt.datetime
    due: dt.datetime
    hours: int
    mode: str
    event: str = ""
    version: int | None = None
    skipped: list[dict] = field(default_factory=list)

    def basis(self) -> dict:
        """What the ticket keeps of the computation (JSON)."""
        return {
            "start": self.start.astimezone(dt.UTC).isoformat(),
            "event": self.event,
            "hours": self.hours,
            "mode": self.mode,
            "skipped": self.skipped,
            "due": self.due.astimezone(dt.UTC).isoformat(),
            "version": self.version,
        }


def company_days() -> dict[dt.date, Day]:
    """The company's own days, kept until the reference data changes."""
    return reference.memo("calendar-days", _load_company_days)


def _load_company_days() -> dict[dt.date, Day]:
    return {
        d: Day(working, name, name_en)
        for d, working, name, name_en in CalendarDay.objects.values_list(
            "date", "working", "name", "name_en"
        )
    }


def day_of(date: dt.date, settings, company: dict | None = None) -> Day:
    own = (company_days() if company is None else company).get(date)
    if own is not None:
        return own
    if settings.use_holiday_calendar:
        try:
            holiday, name = chinese_calendar.get_holiday_detail(date)
            working = chinese_calendar.is_workday(date)
        except NotImplementedError:  # a year the installed release does not cover yet
            pass
        else:
            if not working and holiday and name:
                return Day(False, _HOLIDAY_ZH.get(name, name), name)
            return Day(working)
    return Day(date.weekday() < 5)


def is_working_day(date: dt.date, settings) -> bool:
    return day_of(date, settings).working


def add_hours(start: dt.datetime, hours: int, *, mode: str, settings, event: str = "") -> Deadline:
    """The deadline `hours` after `start`, counted as `mode` (ClockHours) says."""
    if mode != ClockHours.WORKING:
        return Deadline(
            start, start + dt.timedelta(hours=hours), hours, ClockHours.CALENDAR, event, settings.pk
        )
    tz = timezone.get_default_timezone()
    company = company_days()
    left = dt.timedelta(hours=hours)
    cursor = timezone.localtime(start, tz)
    skipped: list[dict] = []
    for _day in range(_MAX_DAYS):
        date = cursor.date()
        day = day_of(date, settings, company)
        if day.working:
            opens = dt.datetime.combine(date, settings.service_day_start, tzinfo=tz)
            closes = dt.datetime.combine(date, settings.service_day_end, tzinfo=tz)
            begin = max(cursor, opens)
            if begin < closes:
                if left <= closes - begin:
                    due = (begin + left).astimezone(dt.UTC)
                    return Deadline(
                        start, due, hours, ClockHours.WORKING, event, settings.pk, skipped
                    )
                left -= closes - begin
        elif day.zh and {"zh": day.zh, "en": day.en} not in skipped:
            skipped.append({"zh": day.zh, "en": day.en})
        cursor = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    raise ValueError("no working time in the calendar")  # unreachable with a sane calendar


def clock(name: str, *, settings, events: dict) -> Deadline:
    """The deadline of one clock of the regulation ("follow_up", "investigation",
    "return_visit"): from the event its settings name (`events`: ClockStart → moment), or,
    when that event is not among them (a complaint reopened, a return visit without a
    decision), from the first event given, and the hours as the settings count them."""
    start_field, hours_field, mode_field = CLOCKS[name]
    event = getattr(settings, start_field)
    at = events.get(event)
    if at is None:
        event, at = next((e, t) for e, t in events.items() if t is not None)
    return add_hours(
        at,
        getattr(settings, hours_field),
        mode=getattr(settings, mode_field),
        settings=settings,
        event=event,
    )


# Each clock: the settings fields of its start event, its hours and how they count.
CLOCKS = {
    "follow_up": ("inquiry_clock_start", "inquiry_follow_up_hours", "inquiry_clock_hours"),
    "investigation": (
        "complaint_clock_start",
        "complaint_investigation_hours",
        "complaint_clock_hours",
    ),
    "return_visit": ("return_visit_clock_start", "return_visit_hours", "return_visit_clock_hours"),
}


def explain(basis: dict | None) -> str:
    """How a stored deadline was computed, in the reader's language: "由 2026-09-30 17:00 起
    8 个工作小时,跳过 国庆节 → 2026-10-08 16:00"."""
    if not basis:
        return ""
    tz = timezone.get_default_timezone()
    start = timezone.localtime(dt.datetime.fromisoformat(basis["start"]), tz)
    due = timezone.localtime(dt.datetime.fromisoformat(basis["due"]), tz)
    english = (get_language() or "").startswith("en")
    names = "、".join(s["en"] if english and s.get("en") else s["zh"] for s in basis["skipped"])
    values = {
        "start": f"{start:%Y-%m-%d %H:%M}",
        "event": ClockStart(basis["event"]).label if basis.get("event") else "",
        "hours": basis["hours"],
        "due": f"{due:%Y-%m-%d %H:%M}",
        "skipped": names,
    }
    if basis["mode"] == ClockHours.WORKING:
        text = _("由 %(start)s(%(event)s)起 %(hours)s 个工作小时") % values
        if names:
            text += _(",跳过 %(skipped)s") % values
    else:
        text = _("由 %(start)s(%(event)s)起 %(hours)s 个自然小时") % values
    return text + f" → {values['due']}"
