"""The portal API (/api/v1/portal/...): what the portal does, for a mini-program (issue #4 §5)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wuyedesk.channels.models import Announcement, Rating, Signup
from wuyedesk.channels.tests.conftest import HTML, PNG, answer
from wuyedesk.properties.models import Community, Resident
from wuyedesk.testing import PASSWORD, assert_api_error, make_resident, policy_in_force
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import Attachment, Ticket
from wuyedesk.tickets.services import ticket_comment

API = "/api/v1/portal"


def _bearer(client, mobile="13812345678", password=PASSWORD):
    response = client.post(
        f"{API}/token", {"mobile": mobile, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_token_for_a_resident_only(world, client):
    assert (
        client.post(
            f"{API}/token",
            {"mobile": "13812345678", "password": "wrong"},
            content_type="application/json",
        ).json()["code"]
        == "invalid_credentials"
    )
    staff = client.post(
        f"{API}/token",
        {"mobile": "specialist", "password": PASSWORD},
        content_type="application/json",
    )
    assert staff.status_code == 401
    headers = _bearer(client)
    me = client.get(f"{API}/me", headers=headers).json()
    assert me["name"] == "张伟" and [h["room_id"] for h in me["homes"]] == [world.rooms_a[0].pk]


def test_staff_token_gets_403_and_resident_token_gets_403_on_staff_endpoints(
    world, client, api_as, submitted
):
    ticket = submitted()
    staff = api_as(world.specialist)
    for path in ("/me", "/tickets", f"/tickets/{ticket.pk}", "/announcements", "/categories"):
        response = staff.get(f"{API}{path}")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    resident = api_as(world.resident)
    for path in ("/api/v1/tickets", f"/api/v1/tickets/{ticket.pk}", "/api/v1/residents"):
        assert resident.get(path).status_code == 403
    assert resident.get(f"{API}/staff/signups").status_code == 403
    assert resident.get(f"{API}/staff/announcements").status_code == 403


def test_submit_with_photos_list_detail_reply_confirm_rate(world, client, categories):
    headers = _bearer(client)
    response = client.post(
        f"{API}/tickets",
        {
            "kind": "repair",
            "category": categories["UTILITY"].pk,
            "room": world.rooms_a[0].pk,
            "description": "厨房水管漏水",
            "photos": [SimpleUploadedFile("1.png", PNG), SimpleUploadedFile("2.png", PNG)],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["number"] == ticket.number and ticket.channel == "api"
    assert body["deadlines"][0]["due"] and len(body["attachments"]) == 2
    assert body["timeline"][0]["kind"] == "created"

    listing = client.get(f"{API}/tickets", headers=headers).json()
    assert [t["id"] for t in listing["items"]] == [ticket.pk]

    ticket_comment(by=world.specialist, ticket=ticket, text="内部:派工程部")
    answer(world, ticket, "师傅下午两点上门")
    detail = client.get(f"{API}/tickets/{ticket.pk}", headers=headers).json()
    bodies = [e["body"] for e in detail["timeline"]]
    assert "师傅下午两点上门" in bodies and "内部:派工程部" not in bodies
    assert detail["may_rate"] and detail["may_confirm"]

    reply = client.post(
        f"{API}/tickets/{ticket.pk}/reply",
        {"text": "好的"},
        content_type="application/json",
        headers=headers,
    )
    assert reply.status_code == 200
    assert ticket.events.filter(kind=EventKind.CUSTOMER_REPLY, channel="api").exists()
    confirm = client.post(
        f"{API}/tickets/{ticket.pk}/confirm", {}, content_type="application/json", headers=headers
    )
    assert confirm.status_code == 200 and not confirm.json()["may_confirm"]
    rate = client.post(
        f"{API}/tickets/{ticket.pk}/rate",
        {"stars": 5, "comment": "很快"},
        content_type="application/json",
        headers=headers,
    )
    assert rate.status_code == 200 and rate.json()["rating"]["stars"] == 5
    twice = client.post(
        f"{API}/tickets/{ticket.pk}/rate",
        {"stars": 1},
        content_type="application/json",
        headers=headers,
    )
    assert twice.status_code == 422 and twice.json()["code"] == "already_rated"
    assert Rating.objects.get().stars == 5
    file_id = body["attachments"][0]["id"]
    download = client.get(f"{API}/tickets/{ticket.pk}/files/{file_id}", headers=headers)
    assert download.status_code == 200


@pytest.mark.parametrize(
    ("fields", "photos", "field", "code"),
    [
        ({"room": 999999}, [], "room", "not_your_room"),
        ({"kind": "gossip"}, [], "kind", "enum"),  # named by the field, not form.kind
        ({"description": "长" * 2001}, [], "description", "max_length"),
        ({}, [SimpleUploadedFile("x.png", HTML)], "photos", "refused_type"),
        ({}, [SimpleUploadedFile(f"{i}.png", PNG) for i in range(10)], "photos", "too_many"),
    ],
)
def test_submit_bad_input_is_json_with_field_and_code(
    world, client, categories, fields, photos, field, code
):
    headers = _bearer(client)
    data = {
        "kind": "complaint",
        "category": categories["NOISE"].pk,
        "room": world.rooms_a[0].pk,
        "description": "噪音",
        **fields,
    }
    if photos:
        data["photos"] = photos
    response = client.post(f"{API}/tickets", data, headers=headers)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field and response.json()["code"] == code
    assert not Ticket.objects.exists() and not Attachment.objects.exists()


def test_photo_over_the_limit(world, client, categories):
    policy_in_force(attachment_max_mb=1)
    headers = _bearer(client)
    response = client.post(
        f"{API}/tickets",
        {
            "kind": "repair",
            "category": categories["UTILITY"].pk,
            "room": world.rooms_a[0].pk,
            "description": "漏水",
            "photos": [SimpleUploadedFile("big.png", PNG + b"\x00" * 1024 * 1024)],
        },
        headers=headers,
    )
    assert response.status_code == 422 and response.json()["code"] == "too_large"
    assert not Ticket.objects.exists()


def test_forged_ticket_id_of_a_neighbour_is_404(world, client, submitted, neighbour):
    theirs = submitted(by=neighbour, room=world.rooms_a[1])
    headers = _bearer(client)
    assert client.get(f"{API}/tickets/{theirs.pk}", headers=headers).status_code == 404
    for action, data in (("reply", {"text": "x"}), ("confirm", {}), ("rate", {"stars": 5})):
        response = client.post(
            f"{API}/tickets/{theirs.pk}/{action}",
            data,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not theirs.events.filter(actor=world.resident).exists()


def test_reply_to_closed_ticket_refused_by_policy(world, client, submitted, categories):
    from wuyedesk.tickets.services import ticket_close, ticket_follow_up

    ticket = submitted(kind="inquiry", category=categories["FEES"])
    ticket_follow_up(by=world.specialist, ticket=ticket, channel="phone", text="已解答")
    ticket_close(by=world.specialist, ticket=ticket)
    policy_in_force(closed_reply="refuse")
    headers = _bearer(client)
    response = client.post(
        f"{API}/tickets/{ticket.pk}/reply",
        {"text": "还有问题"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "closed" and response.json()["field"] == "text"


def test_signup_without_a_gateway_is_pending_even_for_a_number_on_record(world, client):
    from wuyedesk.testing import make_resident

    make_resident(world.rooms_a[2], name="赵敏", phone="13900002222")
    rooms = client.get(f"{API}/signup/rooms", {"building": world.rooms_a[2].building_id}).json()
    assert world.rooms_a[2].pk in [r["id"] for r in rooms]
    answers = []
    for mobile in ("13900002222", "13900003333"):
        response = client.post(
            f"{API}/signup",
            {
                "mobile": mobile,
                "name": "赵敏",
                "room": world.rooms_a[2].pk,
                "password": "Sunny-day-2026",
            },
            content_type="application/json",
        )
        assert response.status_code == 201
        answers.append(response.json())
    assert [a["status"] for a in answers] == ["pending", "pending"]
    assert all(a["token"] is None for a in answers)
    assert {k for k, v in answers[0].items() if v is not None} == {"status", "signup_id"}
    bad_email = client.post(
        f"{API}/signup",
        {
            "mobile": "13900005555",
            "name": "周",
            "room": world.rooms_a[2].pk,
            "email": "not-an-address",
            "password": "Sunny-day-2026",
        },
        content_type="application/json",
    )
    assert bad_email.status_code == 422 and bad_email.json()["field"] == "email"
    unknown = client.post(
        f"{API}/signup",
        {"mobile": "13900004444", "name": "孙", "room": 999999, "password": "Sunny-day-2026"},
        content_type="application/json",
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "room"


def test_staff_signup_queue_and_announcements_api(world, client, api_as, smtp):
    client.post(
        f"{API}/signup",
        {
            "mobile": "13900003333",
            "name": "钱多",
            "room": world.rooms_a[2].pk,
            "password": "Sunny-day-2026",
        },
        content_type="application/json",
    )
    signup = Signup.objects.get()
    assert api_as(world.specialist_b).get(f"{API}/staff/signups").status_code == 403
    assistant = api_as(world.assistant)
    queue = assistant.get(f"{API}/staff/signups").json()
    assert [s["id"] for s in queue] == [signup.pk] and queue[0]["phone_verified"] is False
    refused = assistant.post(f"{API}/staff/signups/{signup.pk}", {"decision": "refuse"})
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    done = assistant.post(f"{API}/staff/signups/{signup.pk}", {"decision": "create"})
    assert done.status_code == 200 and done.json()["status"] == "approved"

    created = api_as(world.specialist).post(
        f"{API}/staff/announcements",
        {"community": world.a.pk, "title": "停电通知", "body": "周五停电"},
    )
    assert created.status_code == 201 and created.json()["title"] == "停电通知"
    outsider = api_as(world.specialist_b).post(
        f"{API}/staff/announcements", {"community": world.a.pk, "title": "x", "body": "y"}
    )
    assert outsider.status_code == 422 and outsider.json()["field"] == "community"
    assert Announcement.objects.count() == 1
    headers = _bearer(client)
    listed = client.get(f"{API}/announcements", headers=headers).json()
    assert [a["title"] for a in listed] == ["停电通知"]


def test_openapi_documents_the_portal(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/portal/tickets" in paths and "/api/v1/portal/token" in paths
    body = paths["/api/v1/portal/tickets"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in body


def test_api_takes_the_pages_rules_for_link_and_announcement_places(world, client, api_as):
    """The API links a sign-up only to a resident the page offers (active, of its community)
    and writes announcements only where the page's form does (active communities in scope)."""
    client.post(
        f"{API}/signup",
        {
            "mobile": "13900003333",
            "name": "钱多",
            "room": world.rooms_a[2].pk,
            "password": "Sunny-day-2026",
        },
        content_type="application/json",
    )
    signup = Signup.objects.get()
    archived = make_resident(world.rooms_a[2], name="已搬走", phone="13900007777")
    Resident.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    assistant = api_as(world.assistant)

    link = assistant.post(
        f"{API}/staff/signups/{signup.pk}", {"decision": "link", "resident": archived.pk}
    )

    assert_api_error(link, 422, "invalid_choice", "resident")
    assert Signup.objects.get().status == "pending"
    Community.objects.filter(pk=world.a.pk).update(archived_at=timezone.now())
    written = api_as(world.specialist).post(
        f"{API}/staff/announcements", {"community": world.a.pk, "title": "x", "body": "y"}
    )
    assert_api_error(written, 422, "invalid_choice", "community")
    assert not Announcement.objects.exists()
