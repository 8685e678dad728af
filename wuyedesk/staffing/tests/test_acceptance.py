"""Issue #16 acceptance (MGT-1): lateness and absence by the thresholds of the regulation
version in force; an approved correction clears them; the roster flags an uncovered hour of
the phone line in service hours."""

import datetime as dt

from wuyedesk.policies.services.settings import policy
from wuyedesk.staffing import services
from wuyedesk.staffing.selectors import attendance_summary
from wuyedesk.staffing.tests.conftest import local
from wuyedesk.testing import policy_in_force


def test_clock_in_within_grace_on_time_beyond_late_beyond_threshold_half_day_absence(
    world, rostered, tomorrow
):
    policy_in_force(attendance_grace_minutes=10, attendance_absence_minutes=40)
    grace, threshold = policy().attendance_grace_minutes, policy().attendance_absence_minutes
    assert (grace, threshold) == (10, 40)
    on_time, late, absent = world.specialist, world.assistant, world.manager
    for user in (on_time, late, absent):
        rostered(user, tomorrow)
    start = local(tomorrow, 9)
    services.clock(by=on_time, action="in", ip="10.0.0.5", now=start + dt.timedelta(minutes=grace))
    services.clock(by=late, action="in", ip="10.0.0.6", now=start + dt.timedelta(minutes=grace + 1))
    services.clock(
        by=absent, action="in", ip="10.0.0.7", now=start + dt.timedelta(minutes=threshold + 1)
    )
    after = local(tomorrow, 18)
    ids = [on_time.pk, late.pk, absent.pk]
    figures = attendance_summary(ids, tomorrow, tomorrow, now=after)
    assert (figures[on_time.pk].late, figures[on_time.pk].absent_half_days) == (0, 0)
    assert (figures[late.pk].late, figures[late.pk].absent_half_days) == (1, 0)
    assert (figures[absent.pk].late, figures[absent.pk].absent_half_days) == (0, 1)
    assert all(figures[i].scheduled_days == 1 and figures[i].present_days == 1 for i in ids)

    # The late person asks for a correction of that day; the manager approves; it clears.
    correction = services.correction_request(by=late, date=tomorrow, reason="门禁故障,打卡失败")
    services.decide(by=world.manager, request=correction, approve=True)
    # The manager's own half-day absence is decided by an executive.
    own = services.correction_request(by=absent, date=tomorrow, reason="外出开会")
    services.decide(by=world.executive, request=own, approve=True)
    figures = attendance_summary(ids, tomorrow, tomorrow, now=after)
    assert (figures[late.pk].late, figures[late.pk].absent_half_days) == (0, 0)
    assert (figures[absent.pk].late, figures[absent.pk].absent_half_days) == (0, 0)
    assert figures[late.pk].present_days == 1


def test_roster_flags_uncovered_hour_of_phone_line_in_service_hours(world, rostered, tomorrow):
    from wuyedesk.staffing import coverage
    from wuyedesk.staffing.services import shift_save

    policy_in_force(
        service_day_start=dt.time(8, 0),
        service_day_end=dt.time(18, 0),
        roster_cover_phone=True,
        roster_cover_counter=False,
    )
    morning = shift_save(by=world.manager, name="早班", start=dt.time(8), end=dt.time(12))
    afternoon = shift_save(by=world.manager, name="午班", start=dt.time(13), end=dt.time(18))
    day = tomorrow
    while not coverage.is_working(day):  # the next working day of the regulation's calendar
        day += dt.timedelta(days=1)
    rostered(world.specialist, day, duty="phone", shift=morning)
    rostered(world.assistant, day, duty="phone", shift=afternoon)
    department = world.specialist.staff.department_id
    gaps = coverage.gaps(department_id=department, community_id=world.a.pk, start=day, end=day)
    assert [(g.date, g.at, g.duty) for g in gaps] == [(day, dt.time(12), "phone")]

    # Covering the hour clears the flag.
    lunch = shift_save(by=world.manager, name="午间", start=dt.time(12), end=dt.time(13))
    rostered(world.manager, day, duty="phone", shift=lunch)
    assert (
        coverage.gaps(department_id=department, community_id=world.a.pk, start=day, end=day) == []
    )
