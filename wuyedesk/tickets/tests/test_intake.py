"""Intake for a specialist on the phone (SPE-1, INQ-2, CMP-1): lookup, new contact, save."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuyedesk.notifications.models import Notification
from wuyedesk.properties.models import Occupancy, Resident
from wuyedesk.testing import make_resident
from wuyedesk.tickets.choices import EventKind, Outcome, Status
from wuyedesk.tickets.knowledge import services as knowledge
from wuyedesk.tickets.models import Ticket

URL = "/tickets/new/"


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def lookup(client, text):
    return client.post("/tickets/new/lookup/", {"q": text}).content.decode()


@pytest.fixture
def form(world, categories):
    """form(**changes) -> the POST data of a typical call from resident_a."""

    def data(**changes):
        values = {
            "resident": world.resident_a.pk,
            "room": world.rooms_a[0].pk,
            "kind": "inquiry",
            "category": categories["PARKING"].pk,
            "severity": "normal",
            "channel": "phone",
            "contact_at": local(timezone.now() - dt.timedelta(minutes=10)),
            "title": "",
            "description": "询问停车月卡怎么办理",
            "answer": "",
        }
        values.update(changes)
        return values

    return data


@pytest.mark.parametrize("typed", ["13812345678", "138 1234 5678", "+86 138-1234-5678"])
def test_lookup_by_phone_finds_the_resident_and_household(world, client_as, typed):
    page = lookup(client_as(world.specialist), typed)
    assert "张伟" in page
    assert "阳光花园-1栋-1单元-101" in page
    assert f"resident={world.resident_a.pk}&amp;room={world.rooms_a[0].pk}" in page
    assert "13812345678" not in page  # masked


def test_lookup_never_matches_part_of_a_phone_number(world, client_as):
    client = client_as(world.specialist)
    for fragment in ["5678", "12345678", "1381234567"]:
        assert "张伟" not in lookup(client, fragment), fragment


def test_lookup_by_name_and_by_room(world, client_as):
    client = client_as(world.specialist)
    assert "阳光花园-1栋-1单元-101" in lookup(client, "张")
    page = lookup(client, "1栋 101")
    assert "张伟" in page and f"?room={world.rooms_a[0].pk}" in page  # the room alone too


def test_specialist_of_another_community_finds_nothing(world, client_as):
    client = client_as(world.specialist_b)
    assert "张伟" not in lookup(client, "13812345678")
    assert "阳光花园" not in lookup(client, "1栋 101")
    pick = client.get(f"/tickets/new/pick/?resident={world.resident_a.pk}")
    assert pick.status_code == 404


def test_lookup_query_count_does_not_grow_with_matches(world, client_as):
    client = client_as(world.specialist)
    lookup(client, "张")  # session and posts loaded once

    def count():
        with CaptureQueriesContext(connection) as queries:
            lookup(client, "张")
        return len(queries)

    few = count()
    for i, room in enumerate(world.rooms_a[1:] * 4):
        make_resident(room, name=f"张{i}号", phone=f"1390000{i:04d}")
    assert Resident.objects.filter(name__startswith="张").count() > 8
    assert count() == few
    assert "匹配较多" in lookup(client, "张")


def test_pick_returns_the_hidden_inputs(world, client_as):
    page = (
        client_as(world.specialist)
        .get(f"/tickets/new/pick/?resident={world.resident_a.pk}&room={world.rooms_a[0].pk}")
        .content.decode()
    )
    assert f'name="resident" value="{world.resident_a.pk}"' in page
    assert f'name="room" value="{world.rooms_a[0].pk}"' in page


def test_intake_page_renders_for_the_desk_and_refuses_others(world, client_as, categories):
    page = client_as(world.specialist).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "autofocus" in html and 'accesskey="1"' in html
    assert "<optgroup" in html and "电梯" in html
    assert "style=" not in html and "<script>" not in html  # CSP: nothing inline
    for persona in ["worker", "supervisor", "resident"]:
        assert client_as(getattr(world, persona)).get(URL).status_code == 403, persona
    assert client_as(world.resident).post("/tickets/new/lookup/", {"q": "张"}).status_code == 403


def test_inquiry_answered_at_first_contact_is_closed(world, client_as, form):
    client = client_as(world.specialist)
    response = client.post(URL, form(answer="请携带行驶证、身份证到客服中心办理。"))
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    assert ticket.first_contact_resolution
    assert ticket.status == Status.CLOSED and ticket.outcome == Outcome.ANSWERED
    assert ticket.resident == world.resident_a and ticket.room == world.rooms_a[0]
    assert ticket.events.filter(kind=EventKind.ANSWER).get().body.startswith("请携带")
    assert abs(ticket.contact_at - (timezone.now() - dt.timedelta(minutes=10))) < dt.timedelta(
        minutes=1
    )


def test_contact_time_is_read_in_shanghai_time(world, client_as, form):
    client_as(world.specialist).post(URL, form(contact_at="2026-01-05T09:30"))
    ticket = Ticket.objects.get()
    assert ticket.contact_at == dt.datetime(2026, 1, 5, 1, 30, tzinfo=dt.UTC)


def test_complaint_is_created_and_reported_to_the_manager(
    world, client_as, form, categories, django_capture_on_commit_callbacks
):
    client = client_as(world.specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            form(kind="complaint", category=categories["ATTITUDE"].pk, description="保安态度恶劣"),
        )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.kind == "complaint" and ticket.reported_at is not None
    assert not ticket.first_contact_resolution and ticket.status == Status.OPEN
    assert Notification.objects.filter(user=world.manager, kind="reported").count() == 1


def test_room_without_a_resident_is_enough(world, client_as, form):
    response = client_as(world.specialist).post(URL, form(resident=""))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.resident is None and ticket.room == world.rooms_a[0]


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"description": ""}, "description"),
        ({"category": "PARENT"}, "category"),
        ({"contact_at": "FUTURE"}, "contact_at"),
        ({"resident": "", "room": ""}, "room"),
        ({"kind": "complaint", "answer": "答复"}, "answer"),
    ],
)
def test_bad_input_keeps_the_form_and_creates_nothing(
    world, client_as, form, categories, changes, field_error
):
    if changes.get("category") == "PARENT":
        changes["category"] = categories["REPAIR"].pk  # has children: not a leaf
    if changes.get("contact_at") == "FUTURE":
        changes["contact_at"] = local(timezone.now() + dt.timedelta(hours=2))
    data = form(title="车位问题", description=changes.pop("description", "询问停车月卡怎么办理"))
    data.update(changes)
    response = client_as(world.specialist).post(URL, data)
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    html = response.content.decode()
    assert 'value="车位问题"' in html  # what was typed is still there
    if data["description"]:
        assert "询问停车月卡怎么办理" in html
    assert f'value="{data["kind"]}" accesskey' in html and "checked" in html
    assert field_error in response.context["form"].errors


def test_future_contact_time_message_comes_from_the_service(world, client_as, form):
    data = form(contact_at=local(timezone.now() + dt.timedelta(hours=2)))
    response = client_as(world.specialist).post(URL, data)
    assert "联系时间不能晚于现在" in response.content.decode()
    # The chosen caller is still shown, with the hidden inputs to save again.
    assert f'name="resident" value="{world.resident_a.pk}"' in response.content.decode()


def test_specialist_b_cannot_take_a_ticket_for_a_room_in_a(world, client_as, form):
    response = client_as(world.specialist_b).post(URL, form(resident=""))
    assert response.status_code == 200
    assert "room" in response.context["form"].errors
    response = client_as(world.specialist_b).post(URL, form())
    assert {"resident", "room"} & set(response.context["form"].errors)
    assert not Ticket.objects.exists()


def test_phone_in_the_url_is_moved_to_the_session(world, client_as):
    client = client_as(world.specialist)
    response = client.get(URL, {"phone": "138 1234 5678", "kind": "complaint"})
    assert response.status_code == 302
    assert "1234" not in response["Location"] and "phone" not in response["Location"]
    assert response["Location"] == f"{URL}?kind=complaint"
    page = client.get(response["Location"]).content.decode()
    assert 'value="13812345678"' in page and "张伟" in page  # prefilled, looked up
    # The one caller in one home is chosen already.
    assert f'name="resident" value="{world.resident_a.pk}"' in page
    assert 'value="complaint" accesskey="2"' in page
    # One-time: a reload no longer carries it.
    assert "13812345678" not in client.get(URL).content.decode()


def test_assistant_creates_a_new_contact_in_place(world, client_as):
    client = client_as(world.assistant)
    assert "新客户" in client.get(URL).content.decode()
    response = client.post(
        "/tickets/new/contact/",
        {"name": "王五", "phone": "137 0000 0001", "room": world.rooms_a[1].pk, "role": "tenant"},
    )
    assert response.status_code == 200
    resident = Resident.objects.get(name="王五")
    assert resident.phone == "13700000001" and resident.community == world.a
    assert Occupancy.objects.filter(
        resident=resident, room=world.rooms_a[1], role="tenant"
    ).exists()
    page = response.content.decode()
    assert f'name="resident" value="{resident.pk}"' in page
    assert f'name="room" value="{world.rooms_a[1].pk}"' in page


def test_new_contact_errors_are_shown_and_nothing_is_created(world, client_as):
    client = client_as(world.assistant)
    response = client.post(
        "/tickets/new/contact/", {"name": "王五", "phone": "12345", "community": world.a.pk}
    )
    assert response["HX-Retarget"] == "#new-contact"
    assert "请输入有效的手机号" in response.content.decode()
    response = client.post(
        "/tickets/new/contact/",
        {"name": "张伟二", "phone": "13812345678", "community": world.a.pk, "role": "owner"},
    )
    assert "已登记为住户" in response.content.decode()
    assert not Resident.objects.filter(name__in=["王五", "张伟二"]).exists()


def test_specialist_may_not_create_contacts(world, client_as):
    client = client_as(world.specialist)
    assert "新客户" not in client.get(URL).content.decode()
    response = client.post(
        "/tickets/new/contact/",
        {"name": "王五", "phone": "13700000001", "community": world.a.pk, "role": "owner"},
    )
    assert response.status_code == 403
    assert not Resident.objects.filter(name="王五").exists()


def test_inserting_a_knowledge_answer(world, client_as, categories):
    knowledge.load_demo_articles(by=world.admin)
    article = knowledge.article_search("停车 月卡")[0]
    client = client_as(world.specialist)
    page = client.post(
        "/tickets/new/answer/", {"article": article.pk, "answer": "您好。"}
    ).content.decode()
    assert "您好。\n" + article.answer[:10] in page and "autofocus" in page
    assert client.post("/tickets/new/answer/", {"article": "x"}).status_code == 404


def test_failed_inquiry_shows_suggestions_again(world, client_as, form, categories):
    knowledge.load_demo_articles(by=world.admin)
    response = client_as(world.specialist).post(URL, form(category=""))
    assert "知识库参考答复" in response.content.decode()
