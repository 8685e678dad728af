"""/api/v1/staffing: the same rules as the pages, errors as JSON {"code","message","field"}."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from wuyedesk.staffing.models import ClockRecord, LeaveRequest, RosterEntry, Shift
from wuyedesk.testing import assert_api_error


def test_shifts_roster_and_gaps_through_the_api(world, api_as):
    manager = api_as(world.manager)
    assert_api_error(
        manager.post("/api/v1/staffing/shifts", {"name": "", "start": "08:00", "end": "12:00"}),
        422,
        "required",
        "name",
    )
    assert_api_error(
        api_as(world.specialist).post(
            "/api/v1/staffing/shifts", {"name": "早班", "start": "08:00", "end": "12:00"}
        ),
        403,
        "permission_denied",
    )
    shift = manager.post(
        "/api/v1/staffing/shifts", {"name": "早班", "start": "08:00", "end": "12:00"}
    )
    assert shift.status_code == 201, shift.content
    shift_id = shift.json()["id"]
    monday = "2026-11-02"
    outsider = manager.post(
        "/api/v1/staffing/roster",
        {"date": monday, "user_id": world.worker.pk, "shift_id": shift_id, "duty": "phone"},
    )
    assert_api_error(outsider, 422, "invalid_choice", "user_id")
    out_of_scope = manager.post(
        "/api/v1/staffing/roster",
        {
            "date": monday,
            "user_id": world.specialist.pk,
            "shift_id": shift_id,
            "duty": "phone",
            "community_id": world.b.pk,
        },
    )
    assert_api_error(out_of_scope, 422, "invalid_choice", "community_id")
    assert not RosterEntry.objects.exists()
    made = manager.post(
        "/api/v1/staffing/roster",
        {"date": monday, "user_id": world.specialist.pk, "shift_id": shift_id, "duty": "phone"},
    )
    assert made.status_code == 201, made.content
    roster = manager.get("/api/v1/staffing/roster", start=monday, end=monday).json()
    assert [e["user_id"] for e in roster["entries"]] == [world.specialist.pk]
    phone_gaps = [g["at"] for g in roster["gaps"] if g["duty"] == "phone"]
    assert "08:00" not in phone_gaps and "12:00" in phone_gaps
    assert_api_error(
        api_as(world.specialist_b).get("/api/v1/staffing/roster"), 403, "permission_denied"
    )
    assert_api_error(
        manager.get("/api/v1/staffing/roster", start="2026-11-02", end="2026-01-01"),
        422,
        "invalid_choice",
        "end",
    )
    removed = manager.delete(f"/api/v1/staffing/roster/{made.json()['id']}")
    assert removed.status_code == 204 and not RosterEntry.objects.exists()
    assert Shift.objects.count() == 1


def test_clock_leave_decision_and_sheets_through_the_api(world, api_as):
    me = api_as(world.specialist)
    assert_api_error(
        me.post("/api/v1/staffing/clock", {"action": "up"}), 422, "literal_error", "action"
    )
    clocked = me.post("/api/v1/staffing/clock", {"action": "in"})
    assert clocked.status_code == 200 and clocked.json()["clock_in"]
    assert ClockRecord.objects.get().in_ip == "127.0.0.1"
    bad = me.post(
        "/api/v1/staffing/leave",
        {"kind": "annual", "start_date": "2026-12-10", "end_date": "2026-12-01", "reason": "探亲"},
    )
    assert_api_error(bad, 422, "invalid", "end_date")
    made = me.post(
        "/api/v1/staffing/leave",
        {"kind": "annual", "start_date": "2026-12-10", "end_date": "2026-12-11", "reason": "探亲"},
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert_api_error(
        api_as(world.specialist_b).post(f"/api/v1/staffing/leave/{pk}/decision", {"approve": True}),
        404,
        "not_found",
    )
    assert_api_error(
        me.post(f"/api/v1/staffing/leave/{pk}/decision", {"approve": True}),
        403,
        "permission_denied",
    )
    manager = api_as(world.manager)
    waiting = manager.get("/api/v1/staffing/requests", mine="false").json()
    assert [r["id"] for r in waiting] == [pk]
    decided = manager.post(f"/api/v1/staffing/leave/{pk}/decision", {"approve": True})
    assert decided.json()["status"] == "approved"
    assert LeaveRequest.objects.get().decided_by == world.manager
    sheet = manager.get("/api/v1/staffing/sheet", month="2026-12").json()
    row = next(r for r in sheet if r["user_id"] == world.specialist.pk)
    assert row["figures"]["leave_days"] in ("2", 2, 2.0)
    assert_api_error(
        manager.get("/api/v1/staffing/sheet", month="12/2026"),
        422,
        "string_pattern_mismatch",
        "month",
    )
    own = me.get(f"/api/v1/staffing/people/{world.specialist.pk}/sheet").status_code
    assert own == 200
    assert_api_error(
        api_as(world.specialist_b).get(f"/api/v1/staffing/people/{world.specialist.pk}/sheet"),
        404,
        "not_found",
    )
    assert manager.get("/api/v1/staffing/exceptions").status_code == 200
    assert_api_error(
        api_as(world.admin).get("/api/v1/staffing/exceptions"), 403, "permission_denied"
    )


def test_clock_import_through_the_api(world, client, api_as):
    from wuyedesk.accounts.services import token_create

    _token, raw = token_create(user=world.manager, name="t")
    headers = {"Authorization": f"Bearer {raw}"}
    no = world.specialist.staff.employee_no
    bad = f"工号,日期,上班,下班\n{no},2026-11-02,09:00,18:00\n{no},2026-13-40,09:00,18:00\n"
    response = client.post(
        "/api/v1/staffing/clock-import",
        {"file": SimpleUploadedFile("c.csv", bad.encode())},
        headers=headers,
    )
    body = assert_api_error(response, 422, "invalid", "file")
    assert body["errors"][0]["row"] == 3
    assert not ClockRecord.objects.exists()
    good = f"工号,日期,上班,下班\n{no},2026-11-02,22:00,06:05\n"
    response = client.post(
        "/api/v1/staffing/clock-import",
        {"file": SimpleUploadedFile("c.csv", good.encode())},
        headers=headers,
    )
    assert response.json() == {"imported": 1, "errors": []}
    record = ClockRecord.objects.get()
    assert record.clock_out - record.clock_in == dt.timedelta(hours=8, minutes=5)
