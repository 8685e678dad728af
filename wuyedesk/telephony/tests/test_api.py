"""The PBX's endpoints: POST /calls (screen pop) and POST /calls/{id}/end."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.telephony.models import Call


def test_ringing_call_pops_for_the_staff_on_the_extension(world, pbx):
    extension = world.specialist.staff.extension
    response = pbx.ring("+86 138-1234-5678", extension)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["popped"] is True and body["resident_found"] is True
    call = Call.objects.get(pk=body["id"])
    assert call.number == "13812345678"  # stored normalised
    assert call.staff == world.specialist
    assert call.resident == world.resident_a
    assert call.community == world.a
    assert call.pop_open and call.direction == "in"


def test_unknown_extension_stores_the_call_and_pops_nobody(world, pbx):
    response = pbx.ring("13812345678", "9999")
    assert response.status_code == 202
    assert response.json()["popped"] is False
    assert "note" in response.json() and response.json()["note"]
    call = Call.objects.get()
    assert call.staff is None and not call.pop_open


def test_unknown_caller_is_stored_without_resident(world, pbx):
    response = pbx.ring("02161234567", world.specialist.staff.extension)
    assert response.status_code == 201
    assert response.json()["resident_found"] is False
    assert Call.objects.get().resident is None


def test_malformed_number_is_422_with_field_and_code(world, pbx):
    response = pbx.ring("anonymous", world.specialist.staff.extension)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "caller" and body["code"] == "invalid_phone"
    assert not Call.objects.exists()


def test_missing_call_id_is_422(world, pbx, client):
    response = client.post(
        "/api/v1/telephony/calls",
        {"caller": "13812345678"},
        content_type="application/json",
        headers=pbx.headers,
    )
    assert response.status_code == 422
    assert response.json()["field"] == "call_id"


def test_wrong_token_is_401_and_nothing_stored(world, pbx, client, api_as):
    for headers in ({"Authorization": "Bearer wdt_nonsense"}, {}):
        response = client.post(
            "/api/v1/telephony/calls",
            {"caller": "13812345678", "call_id": "x"},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
    # A staff member's own API token is not an integration token.
    response = api_as(world.admin).post(
        "/api/v1/telephony/calls", {"caller": "13812345678", "call_id": "x"}
    )
    assert response.status_code == 401
    assert not Call.objects.exists()


def test_revoked_token_is_401(world, pbx, client):
    from wuyedesk.telephony.models import Integration
    from wuyedesk.telephony.services import integration_revoke

    integration_revoke(by=world.admin, integration=Integration.objects.get())
    assert pbx.ring("13812345678", "8001").status_code == 401


def test_duplicate_call_id_is_idempotent(world, pbx):
    first = pbx.ring("13812345678", world.specialist.staff.extension, call_id="dup")
    again = pbx.ring("13812345678", world.specialist.staff.extension, call_id="dup")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Call.objects.count() == 1


def test_end_records_duration_once(world, pbx):
    started = timezone.now() - dt.timedelta(minutes=3)
    pbx.ring(
        "13812345678",
        world.specialist.staff.extension,
        call_id="1700000000.42",
        started_at=started.isoformat(),
    )
    ended = started + dt.timedelta(seconds=192)
    response = pbx.end("1700000000.42", {"ended_at": ended.isoformat(), "answered": True})
    assert response.status_code == 200, response.content
    assert response.json()["duration"] == 192
    call = Call.objects.get()
    assert call.duration == 192 and call.answered and call.outcome == "answered"
    # Reported twice: nothing changes.
    assert pbx.end("1700000000.42", {}).json()["duration"] == 192


def test_end_without_body_uses_now(world, pbx, client):
    pbx.ring("13812345678", world.specialist.staff.extension, call_id="nobody")
    # curl -X POST with no body at all
    response = client.post(
        "/api/v1/telephony/calls/nobody/end", b"", content_type="", headers=pbx.headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["duration"] is not None


def test_end_of_unknown_call_is_404(world, pbx):
    response = pbx.end("never-rang")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_end_before_start_is_422(world, pbx):
    pbx.ring("13812345678", "8001", call_id="early")
    past = (timezone.now() - dt.timedelta(days=1)).isoformat()
    response = pbx.end("early", {"ended_at": past})
    assert response.status_code == 422 and response.json()["field"] == "ended_at"
    assert Call.objects.get().ended_at is None


def test_call_log_api_scoped(world, pbx, api_as, ticket):
    pbx.ring("13812345678", world.specialist.staff.extension, call_id="a")
    pbx.ring("13987654321", world.specialist_b.staff.extension, call_id="b")
    mine = api_as(world.specialist).get("/api/v1/telephony/log").json()["items"]
    assert [c["number"] for c in mine] == ["138****5678"]  # masked, only community A's
    other = api_as(world.specialist_b).get("/api/v1/telephony/log").json()["items"]
    assert [c["number"] for c in other] == ["139****4321"]
    a_id = mine[0]["id"]
    assert api_as(world.specialist_b).get(f"/api/v1/telephony/log/{a_id}").status_code == 404
    assert api_as(world.resident).get("/api/v1/telephony/log").status_code == 403


def test_log_follow_up_call_by_api_meets_the_follow_up_clock(world, api_as, ticket):
    t = ticket()
    response = api_as(world.specialist).post(
        "/api/v1/telephony/log",
        {
            "direction": "out",
            "purpose": "follow_up",
            "outcome": "answered",
            "started_at": timezone.now().isoformat(),
            "duration": 120,
            "notes": "已告知维修师傅明早上门",
            "ticket_id": t.pk,
        },
    )
    assert response.status_code == 201, response.content
    t.refresh_from_db()
    assert t.followed_up_at is not None
    assert response.json()["number"] == "138****5678"


def test_log_api_refuses_ticket_out_of_scope(world, api_as, ticket):
    t = ticket()
    response = api_as(world.specialist_b).post(
        "/api/v1/telephony/log",
        {
            "purpose": "follow_up",
            "outcome": "answered",
            "started_at": timezone.now().isoformat(),
            "notes": "x",
            "ticket_id": t.pk,
        },
    )
    assert response.status_code == 422 and response.json()["field"] == "ticket_id"
    assert not Call.objects.exists()


def test_times_without_offset_are_local_and_absurd_times_refused(world, pbx):
    local = timezone.localtime().replace(tzinfo=None) - dt.timedelta(minutes=1)
    response = pbx.ring("13812345678", "9999", call_id="naive", started_at=local.isoformat())
    assert response.status_code == 202, response.content
    assert (
        pbx.ring("13812345678", "9999", call_id="old", started_at="2001-01-01T00:00:00Z").json()[
            "field"
        ]
        == "started_at"
    )
    response = pbx.end("naive", {"ended_at": "9999-12-31T00:00:00Z"})
    assert response.status_code == 422 and response.json()["field"] == "ended_at"
    assert pbx.end("naive", {"ended_at": local.isoformat()}).status_code == 200


def test_api_schema_builds(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/telephony/calls" in schema["paths"]
    assert "/api/v1/notifications/preferences" in schema["paths"]


def test_own_extension_by_api(world, api_as, client):
    api = api_as(world.specialist)
    assert api.get("/api/v1/telephony/extension").json() == {
        "extension": world.specialist.staff.extension
    }

    def put(value):
        return client.put(
            "/api/v1/telephony/extension",
            {"extension": value},
            content_type="application/json",
            headers=api.headers,
        )

    assert put("8899").json() == {"extension": "8899"}
    taken = put(world.manager.staff.extension)
    assert taken.status_code == 422 and taken.json()["code"] == "taken"
    assert put("x1").json()["code"] == "invalid_extension"
    assert api_as(world.resident).get("/api/v1/telephony/extension").status_code == 403


@pytest.mark.parametrize(
    "change",
    [
        {"caller": "١٣٨١٢٣٤٥٦٧٨"},  # digits, but not ASCII ones
        {"caller": "1" * 40},
        {"caller": ""},
        {"call_id": ""},
        {"call_id": "x" * 65},
        {"extension": "8" * 21},
        {"started_at": "0001-01-01T00:00:00+14:00"},
        {"started_at": "9999-12-31T23:59:59-14:00"},
        {"started_at": "not a time"},
    ],
)
def test_bad_ring_input_is_422_and_nothing_stored(world, pbx, client, change):
    body = {"caller": "13812345678", "extension": "9999", "call_id": "z", **change}
    response = client.post(
        "/api/v1/telephony/calls", body, content_type="application/json", headers=pbx.headers
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"]
    assert not Call.objects.exists()


def test_call_log_api_query_count_does_not_grow(world, pbx, api_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(world.manager)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/telephony/log").status_code == 200
        return len(queries)

    pbx.ring("13812345678", world.specialist.staff.extension, call_id="first")
    count()  # the token's first use writes its last_used_at
    few = count()
    for i in range(20):
        pbx.ring("13812345678", world.specialist.staff.extension, call_id=f"more-{i}")
    assert count() == few


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://pbx/rec.wav", "not a link", "https://pbx/" + "r" * 500]
)
def test_a_recording_link_that_is_not_http_is_422_and_nothing_changes(world, pbx, link):
    pbx.ring("13812345678", "8001", call_id="rec-bad")
    response = pbx.end("rec-bad", {"recording_url": link})
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "recording_url"
    call = Call.objects.get()
    assert call.ended_at is None and call.recording_url == ""


def test_the_recording_link_comes_with_the_hang_up_or_later_and_the_inspection_links_it(
    world, pbx, client_as
):
    """SUP-1: a review of a recorded call links to the PBX's recording where it keeps one."""
    from wuyedesk.accounts.choices import Post
    from wuyedesk.supervision.services.group import checklist_save, member_appoint
    from wuyedesk.supervision.services.inspections import inspection_create

    pbx.ring("13812345678", world.specialist.staff.extension, call_id="rec-1")
    assert pbx.end("rec-1", {"answered": True}).status_code == 200
    assert Call.objects.get().recording_url == ""
    link = "https://pbx.example.cn/recordings/rec-1.wav?sig=abc&x=1"
    # The recording is ready after the hang-up: a second report adds it, and only it.
    assert pbx.end("rec-1", {"recording_url": link}).status_code == 200
    call = Call.objects.get()
    assert call.recording_url == link and call.answered
    assert (
        pbx.end("rec-1", {"recording_url": "https://elsewhere.example.cn/x.wav"}).status_code == 200
    )
    assert Call.objects.get().recording_url == link  # the first link stands

    member_appoint(by=world.manager, user=world.supervisor, remit="检查")
    checklist_save(
        by=world.manager,
        post=Post.SPECIALIST,
        title="专员检查表",
        items=[{"code": "G1", "text": "礼貌用语", "weight": 100}],
    )
    inspection = inspection_create(
        by=world.supervisor, kind="call", person=world.specialist, call=call
    )
    page = client_as(world.supervisor).get(f"/supervision/inspections/{inspection.pk}/")
    html = page.content.decode()
    assert 'id="call-recording"' in html
    assert 'href="https://pbx.example.cn/recordings/rec-1.wav?sig=abc&amp;x=1"' in html
