"""/api/v1/surveys: scoped reads, JSON errors with field and code, nothing stored twice."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.surveys.models import CallAttempt, Campaign, Invitation, Response

pytestmark = pytest.mark.django_db
BASE = "/api/v1/surveys"


def _answers(**override):
    data = {
        "overall": 4,
        "nps": 8,
        "dim_service": 4,
        "dim_repair": 3,
        "dim_security": 5,
        "dim_cleaning": 2,
        "dim_greening": 4,
        "dim_parking": 3,
        "dim_billing": 4,
        "contact_way": "phone",
        "priorities": ["cleaning"],
        "suggestion": "垃圾清运再及时些",
    }
    data.update(override)
    return {"answers": data}


def test_questionnaires_and_versions(api_as, households, version):
    api = api_as(households.assistant)
    listed = api.get(f"{BASE}/questionnaires").json()
    assert any(q["code"] == "QSAT" for q in listed)
    detail = api.get(f"{BASE}/versions/{version.pk}").json()
    overall = [q for q in detail["questions"] if q["is_overall"]]
    assert len(overall) == 1 and overall[0]["code"] == "overall"
    assert api_as(households.resident).get(f"{BASE}/questionnaires").status_code == 403


def test_campaign_create_errors_and_close(api_as, households, version):
    api = api_as(households.manager)
    bad = api.post(
        f"{BASE}/campaigns", {"version_id": version.pk, "community_ids": [households.b.pk]}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "community_ids"
    made = api.post(
        f"{BASE}/campaigns",
        {
            "version_id": version.pk,
            "community_ids": [households.a.pk],
            "quarter": "2027Q1",
            "open": True,
        },
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["status"] == "open" and body["sample_size"] == 3
    again = api.post(
        f"{BASE}/campaigns",
        {"version_id": version.pk, "community_ids": [households.a.pk], "quarter": "2027Q1"},
    )
    assert again.status_code == 422
    assert again.json()["field"] == "quarter" and again.json()["code"] == "duplicate"
    closed = api.post(f"{BASE}/campaigns/{body['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    twice = api.post(f"{BASE}/campaigns/{body['id']}/close")
    assert twice.status_code == 409 and twice.json()["code"] == "closed"
    assert Campaign.objects.count() == 1


def test_invitations_are_scoped(api_as, campaign, households):
    mine = api_as(households.specialist_b).get(f"{BASE}/campaigns/{campaign.pk}/invitations").json()
    assert {i["community_id"] for i in mine["items"]} == {households.b.pk}
    calls = (
        api_as(households.specialist)
        .get(f"{BASE}/campaigns/{campaign.pk}/invitations", mine="true")
        .json()
    )
    assert sorted(i["resident_name"] for i in calls["items"]) == ["张伟", "赵敏"]
    progress = api_as(households.manager).get(f"{BASE}/campaigns/{campaign.pk}/progress").json()
    assert progress["total"] == 3 and progress["done"] == 0


def test_phone_entry_and_calls(api_as, campaign, households):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[2])
    api = api_as(households.specialist)
    out = api_as(households.specialist_b).post(
        f"{BASE}/invitations/{invitation.pk}/calls", {"outcome": "no_answer"}
    )
    assert out.status_code == 404
    missing = api.post(f"{BASE}/invitations/{invitation.pk}/calls", {"outcome": "call_back"})
    assert missing.status_code == 422 and missing.json()["field"] == "call_back_at"
    later = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    logged = api.post(
        f"{BASE}/invitations/{invitation.pk}/calls", {"outcome": "call_back", "call_back_at": later}
    )
    assert logged.status_code == 201 and logged.json()["attempts"] == 1
    bad = api.post(f"{BASE}/invitations/{invitation.pk}/answers", _answers(overall=7))
    assert bad.status_code == 422
    assert bad.json()["field"] == "answers.overall" and bad.json()["code"] == "out_of_range"
    ok = api.post(f"{BASE}/invitations/{invitation.pk}/answers", _answers())
    assert ok.status_code == 201 and ok.json()["channel"] == "phone"
    again = api.post(f"{BASE}/invitations/{invitation.pk}/answers", _answers())
    assert again.status_code == 409 and again.json()["code"] == "already_completed"
    assert Response.objects.count() == 1
    assert CallAttempt.objects.filter(invitation=invitation).count() == 2


def test_resident_answers_own_household_only(api_as, campaign, households):
    api = api_as(households.resident)
    pending = api.get(f"{BASE}/my/pending").json()
    assert len(pending) == 1
    own = pending[0]["invitation_id"]
    other = Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])
    assert api.post(f"{BASE}/my/invitations/{other.pk}/answers", _answers()).status_code == 404
    missing = api.post(f"{BASE}/my/invitations/{own}/answers", _answers(overall=None))
    assert missing.status_code == 422 and missing.json()["code"] == "required"
    assert api.post(f"{BASE}/my/invitations/{own}/answers", _answers()).status_code == 201
    assert api.get(f"{BASE}/my/pending").json() == []
    assert Response.objects.count() == 1


def test_token_answers_once(client, campaign, households):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[1])
    token = invitation.make_token()
    assert client.get(f"{BASE}/token/{token}").status_code == 200
    assert client.get(f"{BASE}/token/{'0' * 40}").json()["code"] == "token_invalid"
    first = client.post(
        f"{BASE}/token/{token}/answers", _answers(), content_type="application/json"
    )
    assert first.status_code == 201
    second = client.post(
        f"{BASE}/token/{token}/answers", _answers(), content_type="application/json"
    )
    assert second.status_code == 409 and second.json()["code"] == "already_completed"
    Campaign.objects.filter(pk=campaign.pk).update(closes_at=timezone.now() - dt.timedelta(hours=1))
    other = Invitation.objects.get(campaign=campaign, room=households.rooms_a[0]).make_token()
    expired = client.post(
        f"{BASE}/token/{other}/answers", _answers(), content_type="application/json"
    )
    assert expired.status_code == 410 and expired.json()["code"] == "expired"


def test_invitation_list_query_count_does_not_grow(
    api_as, campaign, households, django_assert_max_num_queries
):
    from wuyedesk.properties.models import Room
    from wuyedesk.testing import make_resident

    api = api_as(households.manager)
    url = f"{BASE}/campaigns/{campaign.pk}/invitations"
    with django_assert_max_num_queries(30) as few:
        assert len(api.get(url).json()["items"]) == 3
    baseline = len(few.captured_queries)
    unit = households.rooms_a[0].unit
    for n in range(5):
        room = Room.objects.create(unit=unit, number=f"8{n}1", floor=8)
        resident = make_resident(room, name=f"住户{n}", phone=f"1390000001{n}")
        Invitation.objects.create(campaign=campaign, room=room, channel="phone", resident=resident)
    with django_assert_max_num_queries(baseline):
        assert len(api.get(url).json()["items"]) == 8


def test_assign_a_phone_invitation(api_as, campaign, households):
    invitation = Invitation.objects.get(campaign=campaign, room=households.rooms_a[2])
    api = api_as(households.manager)
    wrong = api.post(
        f"{BASE}/invitations/{invitation.pk}/assign", {"staff_id": households.specialist_b.staff.pk}
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "staff_id"
    assert wrong.json()["code"] == "out_of_scope"
    ok = api.post(
        f"{BASE}/invitations/{invitation.pk}/assign", {"staff_id": households.assistant.staff.pk}
    )
    assert ok.status_code == 200 and ok.json()["assigned_to_id"] == households.assistant.staff.pk
    denied = api_as(households.specialist).post(
        f"{BASE}/invitations/{invitation.pk}/assign", {"staff_id": None}
    )
    assert denied.status_code == 403
