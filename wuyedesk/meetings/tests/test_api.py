"""/api/v1/meetings and /api/v1/notices: the same rules as the pages, errors as JSON."""

import datetime as dt

from django.utils import timezone

from wuyedesk.meetings.models import Meeting, Notice
from wuyedesk.testing import assert_api_error


def test_meeting_minutes_and_action_items_through_the_api(world, api_as, call, categories):
    manager, assistant = api_as(world.manager), api_as(world.assistant)
    bad = manager.post(
        "/api/v1/meetings",
        {
            "title": "",
            "starts_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "duration_minutes": 60,
            "attendees": [world.specialist.staff.pk],
        },
    )
    assert_api_error(bad, 422, "required", "title")
    assert not Meeting.objects.exists()
    outsider = manager.post(
        "/api/v1/meetings",
        {
            "title": "例会",
            "starts_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "duration_minutes": 60,
            "attendees": [world.specialist_b.staff.pk],
        },
    )
    assert_api_error(outsider, 422, "invalid_choice", "attendees")
    complaint = call(kind="complaint", category=categories["ATTITUDE"])
    made = manager.post(
        "/api/v1/meetings",
        {
            "title": "例会",
            "starts_at": (timezone.now() + dt.timedelta(minutes=1)).isoformat(),
            "duration_minutes": 60,
            "attendees": [world.specialist.staff.pk, world.assistant.staff.pk],
            "community": world.a.pk,
        },
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert f"/tickets/{complaint.pk}/" in [row["link"] for row in body["agenda"]]
    pk = body["id"]
    Meeting.objects.filter(pk=pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))

    assert_api_error(
        api_as(world.specialist).put(f"/api/v1/meetings/{pk}/minutes", {"discussion": "x"}),
        403,
        "permission_denied",
    )
    saved = assistant.put(
        f"/api/v1/meetings/{pk}/minutes", {"discussion": "讨论", "decisions": ["巡查加倍"]}
    )
    assert saved.json()["minutes"]["decisions"][0]["text"] == "巡查加倍"
    due = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    added = assistant.post(
        f"/api/v1/meetings/{pk}/actions",
        {"title": "回访", "owner": world.specialist.staff.pk, "due": due},
    )
    assert added.status_code == 201
    assert api_as(world.specialist).get(f"/api/v1/meetings/{pk}").json()["minutes"] is None
    assert assistant.post(f"/api/v1/meetings/{pk}/minutes/submit").status_code == 200
    returned = manager.post(f"/api/v1/meetings/{pk}/minutes/return", {"reason": ""})
    assert_api_error(returned, 422, "required", "reason")
    approved = manager.post(f"/api/v1/meetings/{pk}/minutes/approve")
    assert approved.json()["minutes_status"] == "approved"

    mine = api_as(world.specialist).get("/api/v1/meetings/actions", mine="true", open="true")
    assert [a["title"] for a in mine.json()] == ["回访"]
    action_id = mine.json()[0]["id"]
    assert api_as(world.specialist_b).get(f"/api/v1/meetings/{pk}").status_code == 404
    done = api_as(world.specialist).post(f"/api/v1/meetings/actions/{action_id}/done", {})
    assert done.json()["done_at"] is not None
    assert (
        api_as(world.specialist).get("/api/v1/meetings/actions", mine="true", open="true").json()
        == []
    )


def test_attendance_through_the_api(world, api_as, sitting):
    meeting = sitting(days=-1)
    client = api_as(world.assistant)
    bad = client.put(
        f"/api/v1/meetings/{meeting.pk}/attendance",
        [{"staff_id": world.worker.staff.pk, "attendance": "present"}],
    )
    assert_api_error(bad, 422, "invalid_choice", "attendance")
    ok = client.put(
        f"/api/v1/meetings/{meeting.pk}/attendance",
        [{"staff_id": world.specialist.staff.pk, "attendance": "absent"}],
    )
    marks = {a["name"]: a["attendance"] for a in ok.json()["attendees"]}
    assert marks["刘专员"] == "absent"


def test_notices_through_the_api(world, api_as):
    manager = api_as(world.manager)
    both = manager.post(
        "/api/v1/notices",
        {"title": "排班", "body": "x", "department": world.engineering.pk, "community": world.a.pk},
    )
    assert_api_error(both, 422, "required", "department")
    assert not Notice.objects.exists()
    assert_api_error(
        api_as(world.specialist).post(
            "/api/v1/notices", {"title": "x", "body": "y", "community": world.a.pk}
        ),
        403,
        "permission_denied",
    )
    made = manager.post(
        "/api/v1/notices", {"title": "排班调整", "body": "下周早班", "community": world.a.pk}
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    names = {r["name"]: r["read_at"] for r in made.json()["receipts"]}
    assert "刘专员" in names and "B专员" not in names and "王经理" not in names
    specialist = api_as(world.specialist)
    assert [n["id"] for n in specialist.get("/api/v1/notices", unread="true").json()] == [pk]
    read = specialist.post(f"/api/v1/notices/{pk}/read")
    assert read.json()["read_at"] is not None and read.json()["receipts"] is None
    assert specialist.get("/api/v1/notices", unread="true").json() == []
    assert api_as(world.specialist_b).get(f"/api/v1/notices/{pk}").status_code == 404
