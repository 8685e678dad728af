"""Shifts, rosters, clock records, leave and corrections: who may, bad input, audit rows,
and the figures (MGT-1, AST-5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.audit.models import AuditEntry
from wuyedesk.staffing import attendance, services
from wuyedesk.staffing.choices import RequestStatus
from wuyedesk.staffing.models import ClockRecord, LeaveRequest, RosterEntry, Shift
from wuyedesk.staffing.selectors import attendance_summary
from wuyedesk.staffing.tests.conftest import local


def test_shift_rules(world, day_shift, night_shift):
    assert night_shift.crosses_midnight and not day_shift.crosses_midnight
    for user in (world.specialist, world.admin, world.executive, world.resident):
        with pytest.raises(PermissionDenied):
            services.shift_save(by=user, name="X", start=dt.time(8), end=dt.time(9))
    with pytest.raises(ValidationError) as error:
        services.shift_save(by=world.assistant, name="白班", start=dt.time(8), end=dt.time(8))
    assert set(error.value.error_dict) == {"name", "end"}
    assert Shift.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="staffing.shift").count() == 2


def test_roster_scope_and_bad_input(world, rostered, day_shift, tomorrow):
    # A person of another department, a community out of scope: refused, nothing written.
    with pytest.raises(ValidationError) as error:
        rostered(world.worker, tomorrow)
    assert "user" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        rostered(world.specialist, tomorrow, community=world.b)
    assert "community" in error.value.error_dict
    with pytest.raises(PermissionDenied):
        services.roster_add(
            by=world.specialist,
            user=world.specialist,
            date=tomorrow,
            shift=day_shift,
            duty="counter",
        )
    entry = rostered(world.specialist, tomorrow)
    with pytest.raises(ValidationError):
        rostered(world.specialist, tomorrow)
    assert RosterEntry.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="staffing.rosterentry").count() == 1
    with pytest.raises(PermissionDenied):
        services.roster_remove(by=world.specialist_b, entry=entry)
    services.roster_remove(by=world.assistant, entry=entry)
    assert not RosterEntry.objects.exists()


def test_clock_keeps_server_time_and_address_and_night_shift_day(world, rostered, night_shift):
    day = dt.date(2026, 12, 1)
    rostered(world.specialist, day, shift=night_shift)
    record = services.clock(
        by=world.specialist, action="in", ip="192.0.2.7", now=local(day, 21, 58)
    )
    assert (record.date, record.in_ip) == (day, "192.0.2.7")
    with pytest.raises(ValidationError):
        services.clock(by=world.specialist, action="in", ip="192.0.2.7", now=local(day, 22, 5))
    out = services.clock(
        by=world.specialist,
        action="out",
        ip="192.0.2.8",
        now=local(day + dt.timedelta(days=1), 5, 30),
    )
    assert out.pk == record.pk and out.out_ip == "192.0.2.8"
    figures = attendance_summary([world.specialist.pk], day, day, now=local(day, 23))
    assert figures[world.specialist.pk].late == 0
    figures = attendance_summary(
        [world.specialist.pk], day, day, now=local(day + dt.timedelta(days=1), 7)
    )
    assert figures[world.specialist.pk].early_leave == 1  # 05:30 < 06:00 − grace
    with pytest.raises(ValidationError) as error:
        services.clock(by=world.specialist, action="sideways", ip=None)
    assert "action" in error.value.error_dict
    with pytest.raises(PermissionDenied):
        services.clock(by=world.resident, action="in", ip=None)
    assert ClockRecord.objects.count() == 1


def test_no_clock_in_is_a_full_day_absence_and_approved_leave_is_not(world, rostered):
    monday = dt.date(2026, 11, 2)
    days = [monday + dt.timedelta(days=i) for i in range(3)]
    for day in days:
        rostered(world.specialist, day)
    after = local(days[-1], 20)
    figures = attendance_summary([world.specialist.pk], days[0], days[-1], now=after)
    assert figures[world.specialist.pk].absent_half_days == 6
    leave = services.leave_request(
        by=world.specialist, kind="sick", start_date=days[0], end_date=days[1], reason="发烧"
    )
    with pytest.raises(PermissionDenied):
        services.decide(by=world.specialist, request=leave, approve=True)  # not their own
    with pytest.raises(PermissionDenied):
        services.decide(by=world.admin, request=leave, approve=True)
    with pytest.raises(ValidationError) as error:
        services.decide(by=world.manager, request=leave, approve=False, reason="")
    assert "reason" in error.value.error_dict
    services.decide(by=world.manager, request=leave, approve=True)
    leave.refresh_from_db()
    assert leave.status == RequestStatus.APPROVED
    with pytest.raises(ValidationError):
        services.decide(by=world.manager, request=leave, approve=False, reason="改主意")
    figures = attendance_summary([world.specialist.pk], days[0], days[-1], now=after)
    assert figures[world.specialist.pk] == attendance.AttendanceFigures(
        scheduled_days=3,
        present_days=0,
        late=0,
        early_leave=0,
        absent_half_days=2,
        leave_days=Decimal(2),
    )
    # Days not started yet are not counted (approved leave of the period is).
    early = attendance_summary([world.specialist.pk], days[0], days[-1], now=local(days[0], 8))
    assert early[world.specialist.pk] == attendance.AttendanceFigures(leave_days=Decimal(2))


def test_leave_and_correction_bad_input(world, tomorrow):
    with pytest.raises(ValidationError) as error:
        services.leave_request(
            by=world.specialist,
            kind="holiday",
            start_date=tomorrow,
            end_date=tomorrow - dt.timedelta(days=1),
            reason=" ",
        )
    assert set(error.value.error_dict) == {"kind", "end_date", "reason"}
    with pytest.raises(ValidationError) as error:
        services.correction_request(by=world.specialist, date=tomorrow, reason="忘记打卡")
    assert "date" in error.value.error_dict  # not a rostered day
    assert not LeaveRequest.objects.exists()


def test_summary_costs_the_same_queries_for_any_number_of_people(world, rostered):
    day = dt.date(2026, 11, 3)
    rostered(world.specialist, day)
    for user in (world.assistant, world.manager, world.supervisor):
        rostered(user, day, community=None)
    people = [world.specialist, world.assistant, world.manager, world.supervisor]
    for _warm in range(2):  # the policy timeline and the calendar, kept by the process
        attendance_summary([u.pk for u in people], day, day)
    with CaptureQueriesContext(connection) as one:
        attendance_summary([world.specialist.pk], day, day)
    with CaptureQueriesContext(connection) as many:
        result = attendance_summary([u.pk for u in people] + [world.executive.pk], day, day)
    assert len(many) == len(one)
    assert result[world.executive.pk] == attendance.AttendanceFigures()
    assert result[world.manager.pk].scheduled_days == 1
