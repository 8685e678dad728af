"""Pages of rosters and attendance: each post sees what the rule says, bad input keeps the form
filled and changes nothing, the clock keeps the client address, the import is all or
nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.staffing import services
from wuyedesk.staffing.models import ClockRecord, LeaveRequest, RosterEntry, Shift
from wuyedesk.testing import make_community

DEPARTMENT_PAGES = ["exceptions", "requests", "sheet"]
EDITOR_PAGES = ["roster", "shifts", "import"]


@pytest.mark.parametrize("name", DEPARTMENT_PAGES + EDITOR_PAGES)
def test_department_pages_for_the_manager_not_for_the_specialist_or_admin(client, world, name):
    client.force_login(world.manager)
    assert client.get(reverse(f"staffing:{name}")).status_code == 200
    for outsider in (world.specialist, world.specialist_b, world.admin):
        client.force_login(outsider)
        assert client.get(reverse(f"staffing:{name}")).status_code == 403


def test_own_page_clock_in_keeps_address(client, world):
    client.force_login(world.specialist)
    page = client.get(reverse("staffing:me"))
    assert page.status_code == 200 and "上班打卡" in page.content.decode()
    client.post(reverse("staffing:clock"), {"action": "in"}, REMOTE_ADDR="198.51.100.4")
    record = ClockRecord.objects.get(user=world.specialist)
    assert record.in_ip == "198.51.100.4" and record.clock_in is not None
    again = client.post(reverse("staffing:clock"), {"action": "in"}, follow=True)
    assert "今天已打过上班卡" in again.content.decode()


def test_person_page_scope(client, world):
    client.force_login(world.manager)
    url = reverse("staffing:person", args=[world.specialist.pk])
    assert client.get(url).status_code == 200
    for outsider in (world.specialist_b, world.admin, world.worker):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
    client.force_login(world.executive)
    assert client.get(url).status_code == 200


def test_leave_form_bad_input_stays_filled_then_approved_by_manager(client, world):
    client.force_login(world.specialist)
    bad = client.post(
        reverse("staffing:leave_new"),
        {"kind": "annual", "start_date": "2026-12-10", "end_date": "2026-12-08", "reason": "探亲"},
    )
    assert bad.status_code == 422
    assert "结束日期不能早于开始日期" in bad.content.decode() and "探亲" in bad.content.decode()
    assert not LeaveRequest.objects.exists()
    client.post(
        reverse("staffing:leave_new"),
        {"kind": "annual", "start_date": "2026-12-10", "end_date": "2026-12-11", "reason": "探亲"},
    )
    leave = LeaveRequest.objects.get()
    decide = reverse("staffing:decide", args=["leave", leave.pk])
    client.force_login(world.specialist_b)  # not a manager
    assert client.post(decide, {f"leave-{leave.pk}-decision": "approve"}).status_code == 403
    client.force_login(world.manager)
    page = client.get(reverse("staffing:requests"))
    assert "探亲" in page.content.decode()
    client.post(decide, {f"leave-{leave.pk}-decision": "refuse", f"leave-{leave.pk}-reason": ""})
    leave.refresh_from_db()
    assert leave.status == "submitted"  # a refusal needs a reason
    client.post(decide, {f"leave-{leave.pk}-decision": "approve"})
    leave.refresh_from_db()
    assert leave.status == "approved" and leave.decided_by == world.manager


def test_roster_page_adds_flags_and_removes(client, world, day_shift):
    client.force_login(world.assistant)
    monday = dt.date(2026, 11, 2)
    url = reverse("staffing:roster") + f"?start={monday.isoformat()}"
    bad = client.post(
        url,
        {
            "start": monday.isoformat(),
            "date": "",
            "user": world.specialist.pk,
            "shift": day_shift.pk,
            "duty": "phone",
        },
    )
    assert bad.status_code == 422 and not RosterEntry.objects.exists()
    client.post(
        url,
        {
            "start": monday.isoformat(),
            "date": monday.isoformat(),
            "user": world.specialist.pk,
            "shift": day_shift.pk,
            "duty": "phone",
        },
    )
    entry = RosterEntry.objects.get()
    page = client.get(url).content.decode()
    assert "刘专员" in page and 'id="gap-count"' in page  # the counter is not covered
    client.post(reverse("staffing:roster_remove", args=[entry.pk]), {"start": monday.isoformat()})
    assert not RosterEntry.objects.exists()


def test_shift_page_bad_input(client, world):
    client.force_login(world.manager)
    bad = client.post(
        reverse("staffing:shifts"), {"name": "早班", "start": "08:00", "end": "08:00"}
    )
    assert bad.status_code == 422 and "早班" in bad.content.decode()
    assert not Shift.objects.exists()


def test_import_reports_bad_row_and_changes_nothing(client, world, rostered):
    client.force_login(world.manager)
    no = world.specialist.staff.employee_no
    good = f"工号,日期,上班,下班\n{no},2026-11-02,09:03,18:01\n".encode()
    bad = good + f"{no},2026-11-03,9点,18:00\nNOBODY,2026-11-03,09:00,18:00\n".encode()
    page = client.post(reverse("staffing:import"), {"file": SimpleUploadedFile("clock.csv", bad)})
    text = page.content.decode()
    assert page.status_code == 422 and "第 3 行" in text and "第 4 行" in text
    assert not ClockRecord.objects.exists()
    client.post(reverse("staffing:import"), {"file": SimpleUploadedFile("clock.csv", good)})
    record = ClockRecord.objects.get()
    assert record.source == "import" and record.date == dt.date(2026, 11, 2)
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1
    client.force_login(world.specialist)
    assert (
        client.post(
            reverse("staffing:import"), {"file": SimpleUploadedFile("clock.csv", good)}
        ).status_code
        == 403
    )


def test_sheet_xlsx_within_export_right(client, world, rostered):
    rostered(world.specialist, dt.date(2026, 11, 2))
    client.force_login(world.manager)
    response = client.get(reverse("staffing:sheet_xlsx") + "?month=2026-11")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 1
    person = reverse("staffing:person_xlsx", args=[world.specialist.pk]) + "?month=2026-11"
    assert client.get(person).status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 2
    client.force_login(world.specialist_b)  # out of scope
    assert client.get(person).status_code == 403
    client.force_login(world.executive)  # reads the sheet, no export post by default
    assert client.get(reverse("staffing:sheet") + "?month=2026-11").status_code == 200
    assert client.get(reverse("staffing:sheet_xlsx") + "?month=2026-11").status_code == 403


def test_exceptions_list_and_correction(client, world, rostered):
    day = dt.date(2026, 11, 2)
    rostered(world.specialist, day)
    client.force_login(world.manager)
    page = client.get(reverse("staffing:exceptions") + "?month=2026-11").content.decode()
    assert "刘专员" in page and "缺勤一天" in page
    services.correction_request(by=world.specialist, date=day, reason="门禁故障")
    client.force_login(world.specialist)
    bad = client.post(reverse("staffing:correction_new"), {"date": "2026-11-05", "reason": "x"})
    assert bad.status_code == 422


def test_roster_gaps_per_community(client, world, rostered):
    from wuyedesk.staffing import coverage

    long_day = services.shift_save(by=world.manager, name="全天", start=dt.time(6), end=dt.time(22))
    day = dt.date(2026, 11, 2)
    while not coverage.is_working(day):
        day += dt.timedelta(days=1)
    start = day - dt.timedelta(days=day.weekday())
    rostered(world.specialist, day, duty="counter", shift=long_day)  # community A's counter
    rostered(world.assistant, day, duty="phone", shift=long_day, community=None)  # the line
    department = world.specialist.staff.department_id
    assert (
        coverage.gaps(department_id=department, community_id=world.a.pk, start=day, end=day) == []
    )
    other, _rooms = make_community("C", "城南小区")
    assert {
        g.duty
        for g in coverage.gaps(department_id=department, community_id=other.pk, start=day, end=day)
    } == {"counter"}
    client.force_login(world.manager)
    url = reverse("staffing:roster")
    page = client.get(url, {"start": start.isoformat(), "community": world.a.pk}).content.decode()
    day_row = page.split(day.strftime("%m-%d"))[1].split("</tr>")[0]
    assert "data-row" not in day_row
