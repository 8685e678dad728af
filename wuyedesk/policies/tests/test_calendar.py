"""Working hours over China's holidays, 调休 and the company's own days (#14 point 5)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from wuyedesk.policies import calendar
from wuyedesk.policies.models import CalendarDay, PolicySettings
from wuyedesk.policies.services import policy

SH = dt.timezone(dt.timedelta(hours=8))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def office(db):
    """Working hours 09:00-18:00, the national calendar on (the defaults, said here)."""
    settings = policy()
    settings.service_day_start, settings.service_day_end = dt.time(9), dt.time(18)
    settings.use_holiday_calendar = True
    return settings


def test_last_working_day_before_national_day_is_due_the_first_working_day_after(office):
    # Wednesday 30 September 2026 is the last working day before 国庆 (1-7 October).
    deadline = calendar.add_hours(at("2026-09-30T17:00"), 8, mode="working", settings=office)
    assert deadline.due == at("2026-10-08T16:00")
    assert [d["zh"] for d in deadline.skipped] == ["国庆节"]


def test_a_tiaoxiu_saturday_counts_as_a_working_day(office):
    # 1 h on 30 Sep, 9 h on Thu 8 Oct, 9 h on Fri 9 Oct, 5 h on Saturday 10 Oct (调休).
    deadline = calendar.add_hours(at("2026-09-30T17:00"), 24, mode="working", settings=office)
    assert deadline.due == at("2026-10-10T14:00")
    assert calendar.is_working_day(dt.date(2026, 10, 10), office)
    assert calendar.is_working_day(dt.date(2026, 9, 20), office)  # Sunday, 调休
    sunday = calendar.add_hours(at("2026-09-19T17:00"), 8, mode="working", settings=office)
    assert sunday.due == at("2026-09-20T17:00")


def test_friday_of_mid_autumn_starts_counting_on_monday(office):
    # Friday 25 September 2026 is 中秋 itself: nothing counts before Monday 09:00.
    deadline = calendar.add_hours(at("2026-09-25T17:00"), 8, mode="working", settings=office)
    assert deadline.due == at("2026-09-28T17:00")
    assert [d["zh"] for d in deadline.skipped] == ["中秋"]


def test_calendar_hours_ignore_holidays(office):
    deadline = calendar.add_hours(at("2026-09-30T17:00"), 24, mode="calendar", settings=office)
    assert deadline.due == at("2026-10-01T17:00")
    assert deadline.skipped == []


def test_without_the_national_calendar_weekdays_work(office):
    office.use_holiday_calendar = False
    assert calendar.is_working_day(dt.date(2026, 10, 1), office)  # a Thursday
    assert not calendar.is_working_day(dt.date(2026, 10, 10), office)  # a Saturday


def test_company_days_win_over_the_national_calendar(world, office):
    CalendarDay.objects.create(date=dt.date(2026, 10, 8), working=False, name="台风停工")
    CalendarDay.objects.create(date=dt.date(2026, 10, 3), working=True, name="值班日")
    deadline = calendar.add_hours(at("2026-09-30T17:00"), 8, mode="working", settings=office)
    # 1 h on 30 Sep, 7 h on Saturday 3 Oct (the company's working day).
    assert deadline.due == at("2026-10-03T16:00")
    deadline = calendar.add_hours(at("2026-10-07T12:00"), 8, mode="working", settings=office)
    assert deadline.due == at("2026-10-09T17:00")
    assert [d["zh"] for d in deadline.skipped] == ["国庆节", "台风停工"]


def test_company_days_are_read_once_until_they_change(world, office):
    calendar.company_days()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(20):
            calendar.add_hours(at("2026-09-30T17:00"), 24, mode="working", settings=office)
    assert not [q for q in queries if "calendarday" in q["sql"].lower()]
    CalendarDay.objects.create(date=dt.date(2026, 10, 8), working=False, name="台风停工")
    assert dt.date(2026, 10, 8) in calendar.company_days()


def test_the_explanation_is_in_the_readers_language(office):
    deadline = calendar.add_hours(
        at("2026-09-30T17:00"), 8, mode="working", settings=office, event="contact"
    )
    with translation.override("zh-hans"):
        text = calendar.explain(deadline.basis())
    assert text == "由 2026-09-30 17:00(客户联系时间)起 8 个工作小时,跳过 国庆节 → 2026-10-08 16:00"
    with translation.override("en"):
        text = calendar.explain(deadline.basis())
    assert "National Day" in text and "8 working hours" in text and "2026-10-08 16:00" in text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weight_service": 30}, "weight_service"),
        ({"appraisal_weight_attendance": 5}, "appraisal_weight_quality"),
        ({"inquiry_follow_up_hours": 2, "reminder_minutes": 120}, "inquiry_follow_up_hours"),
        (
            {"complaint_investigation_hours": 1, "reminder_minutes": 90},
            "complaint_investigation_hours",
        ),
        ({"service_day_end": dt.time(8)}, "service_day_end"),
        ({"appraisal_excellent_min": 50}, "appraisal_excellent_min"),
        ({"late_recording_minutes": 0}, "late_recording_minutes"),
    ],
)
def test_a_broken_set_of_settings_is_refused_naming_the_field(db, changes, field):
    current = policy()
    for name, value in changes.items():
        setattr(current, name, value)
    before = PolicySettings.objects.count()
    with pytest.raises(ValidationError) as refused:
        current.full_clean()
    assert field in refused.value.message_dict
    assert PolicySettings.objects.count() == before


def test_the_defaults_are_a_valid_set(db):
    policy().full_clean()
