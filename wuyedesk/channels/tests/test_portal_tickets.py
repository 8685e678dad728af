"""Submitting, following, replying, confirming and rating on the portal; a resident sees only
their own (issue #4 §1, SPE-2, SUP-2)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wuyedesk.channels.models import Rating
from wuyedesk.channels.tests.conftest import HTML, PDF, PNG, answer
from wuyedesk.testing import policy_in_force
from wuyedesk.tickets.choices import EventKind, Status
from wuyedesk.tickets.models import Attachment, Ticket, TicketEvent
from wuyedesk.tickets.services import ticket_comment


def _submit(client, world, categories, photos=(), **extra):
    data = {
        "kind": "complaint",
        "place": f"room:{world.rooms_a[0].pk}",
        "category": categories["NOISE"].pk,
        "title": "楼上夜间噪音",
        "description": "每晚十一点后楼上有拖动家具的声音",
        "photos": list(photos),
    }
    data.update(extra)
    return client.post("/portal/new/", data)


def test_submit_with_a_photo_shows_number_and_deadline(world, categories, portal_as):
    client = portal_as(world.resident)
    form = client.get("/portal/new/")
    assert form.status_code == 200 and "multiple" in form.content.decode()

    response = _submit(
        client,
        world,
        categories,
        photos=[SimpleUploadedFile("噪音.png", PNG)],
        kind="repair",
        category=categories["UTILITY"].pk,
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/tickets/{ticket.pk}/"
    assert ticket.channel == "portal" and ticket.resident == world.resident_a
    attachment = Attachment.objects.get()
    assert attachment.public and attachment.ticket == ticket
    page = client.get(response["Location"]).content.decode()
    assert ticket.number in page and "噪音.png" in page
    due = ticket.follow_up_due.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert due.strftime("%Y-%m-%d %H:%M") in page and "北京时间" in page
    download = client.get(f"/portal/tickets/{ticket.pk}/files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_public_area_of_own_building(world, categories, portal_as):
    client = portal_as(world.resident)
    building = world.rooms_a[0].building
    response = _submit(client, world, categories, place=f"building:{building.pk}")
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.room is None and ticket.building == building


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        ([SimpleUploadedFile("a.png", HTML)], "不是图片"),
        ([SimpleUploadedFile("a.pdf", PDF)], "不是图片"),
        ([SimpleUploadedFile(f"{i}.png", PNG) for i in range(10)], "最多上传 9 张照片"),
    ],
)
def test_bad_photos_are_refused_nothing_stored_text_kept(
    world, categories, portal_as, photos, message, tmp_path
):
    response = _submit(portal_as(world.resident), world, categories, photos=photos)

    assert response.status_code == 422
    page = response.content.decode()
    assert message in page and "每晚十一点后楼上有拖动家具的声音" in page
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert not list((tmp_path / "media").rglob("*.*"))


def test_photo_over_the_size_limit_rolls_everything_back(world, categories, portal_as, tmp_path):
    policy_in_force(attachment_max_mb=1)
    good = SimpleUploadedFile("ok.png", PNG)
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 1024 * 1024)

    response = _submit(portal_as(world.resident), world, categories, photos=[good, big])

    assert response.status_code == 422
    assert "文件太大:上限为 1 MB" in response.content.decode()
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    assert not list((tmp_path / "media").rglob("*.png"))


def test_too_long_text_is_refused_and_kept(world, categories, portal_as):
    text = "漏" * 2001
    response = _submit(portal_as(world.resident), world, categories, description=text)
    assert response.status_code == 422
    assert not Ticket.objects.exists()
    assert text in response.content.decode()


def test_a_neighbours_room_is_not_offered_nor_accepted(world, categories, portal_as, neighbour):
    client = portal_as(world.resident)
    form = client.get("/portal/new/").content.decode()
    assert f"room:{world.rooms_a[1].pk}" not in form
    response = _submit(client, world, categories, place=f"room:{world.rooms_a[1].pk}")
    assert response.status_code == 422 and not Ticket.objects.exists()


def test_timeline_shows_public_events_never_internal_notes(world, submitted, portal_as):
    ticket = submitted()
    ticket_comment(by=world.specialist, ticket=ticket, text="内部:此户经常投诉,注意措辞")
    answer(world, ticket, "您好,已联系楼上住户。")

    page = portal_as(world.resident).get(f"/portal/tickets/{ticket.pk}/").content.decode()

    assert "您好,已联系楼上住户。" in page
    assert "内部:此户经常投诉" not in page
    assert "刘专员" not in page  # staff appear as the service centre
    api_page = portal_as(world.resident).get("/portal/tickets/").content.decode()
    assert ticket.number in api_page


def test_two_residents_of_one_building_see_only_their_own(
    world, submitted, portal_as, neighbour, client
):
    mine = submitted()
    theirs = submitted(by=neighbour, room=world.rooms_a[1], title="邻居的工单")
    png = SimpleUploadedFile("n.png", PNG)
    from wuyedesk.tickets.attachments import attachment_add

    file = attachment_add(by=neighbour, ticket=theirs, upload=png, public=True)

    client = portal_as(world.resident)
    listing = client.get("/portal/tickets/").content.decode()
    assert mine.number in listing and theirs.number not in listing
    assert client.get(f"/portal/tickets/{theirs.pk}/").status_code == 404
    assert client.get(f"/portal/tickets/{theirs.pk}/files/{file.pk}/").status_code == 404
    for action in ("reply", "confirm", "rate"):
        response = client.post(f"/portal/tickets/{theirs.pk}/{action}/", {"text": "x", "stars": 5})
        assert response.status_code == 404
    assert not theirs.events.filter(actor=world.resident).exists()
    assert not Rating.objects.exists()


def test_staff_cannot_use_resident_pages(world, submitted, client_as):
    ticket = submitted()
    client = client_as(world.specialist)
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 403
    assert client.get("/portal/new/").status_code == 403


def test_reply_on_an_open_ticket_notifies_the_desk(world, submitted, portal_as):
    ticket = submitted()
    response = portal_as(world.resident).post(
        f"/portal/tickets/{ticket.pk}/reply/", {"text": "今晚又响了"}
    )
    assert response.status_code == 302
    event = ticket.events.get(kind=EventKind.CUSTOMER_REPLY)
    assert event.public and event.actor == world.resident and event.channel == "portal"


def _closed(world, submitted, categories):
    from wuyedesk.tickets.services import ticket_close, ticket_follow_up

    ticket = submitted(kind="inquiry", category=categories["FEES"], title="物业费")
    ticket_follow_up(by=world.specialist, ticket=ticket, channel="phone", text="已解答")
    ticket_close(by=world.specialist, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    return ticket


def test_reply_to_a_closed_ticket_reopens_it_by_policy(world, submitted, categories, portal_as):
    ticket = _closed(world, submitted, categories)
    response = portal_as(world.resident).post(
        f"/portal/tickets/{ticket.pk}/reply/", {"text": "还是没解决"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.closed_at is None
    assert ticket.follow_up_due is not None and ticket.followed_up_at is None
    assert ticket.events.filter(kind=EventKind.REOPEN).exists()


def test_reply_to_a_closed_ticket_is_refused_by_policy(world, submitted, categories, portal_as):
    ticket = _closed(world, submitted, categories)
    policy_in_force(closed_reply="refuse")
    client = portal_as(world.resident)
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert 'id="closed-note"' in page and 'id="reply"' not in page

    response = client.post(f"/portal/tickets/{ticket.pk}/reply/", {"text": "还是没解决"})

    assert response.status_code == 422
    assert "该工单已关闭,请提交新的诉求" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_REPLY).exists()


def test_too_long_reply_is_refused(world, submitted, portal_as):
    ticket = submitted()
    response = portal_as(world.resident).post(
        f"/portal/tickets/{ticket.pk}/reply/", {"text": "长" * 2001}
    )
    assert response.status_code == 422
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_REPLY).exists()


def test_confirm_and_rate_once_after_an_answer(world, submitted, portal_as, client_as):
    from wuyedesk.tickets.services import ticket_transfer

    ticket = submitted()
    client = portal_as(world.resident)
    early = client.post(f"/portal/tickets/{ticket.pk}/rate/", {"stars": 5})
    assert early.status_code == 422 and not Rating.objects.exists()

    ticket_transfer(
        by=world.specialist,
        ticket=ticket,
        department=world.engineering,
        note="请上门查看",
        assignee=world.worker,
    )
    answer(world, ticket)
    assert client.post(f"/portal/tickets/{ticket.pk}/confirm/", {"text": ""}).status_code == 302
    assert ticket.events.filter(kind=EventKind.CONFIRMED, public=True).count() == 1
    again = client.post(f"/portal/tickets/{ticket.pk}/confirm/", {"text": ""})
    assert again.status_code == 422

    bad = client.post(f"/portal/tickets/{ticket.pk}/rate/", {"stars": 6})
    assert bad.status_code == 422
    rated = client.post(f"/portal/tickets/{ticket.pk}/rate/", {"stars": 4, "comment": "处理及时"})
    assert rated.status_code == 302
    rating = Rating.objects.get()
    assert rating.stars == 4 and rating.comment == "处理及时"
    assert {u.username for u in rating.staff.all()} == {"specialist", "worker"}
    assert list(rating.departments.all()) == [world.engineering]
    event = ticket.events.get(kind=EventKind.RATING)
    assert event.public and event.data["stars"] == 4
    second = client.post(f"/portal/tickets/{ticket.pk}/rate/", {"stars": 1})
    assert second.status_code == 422 and Rating.objects.get().stars == 4

    staff_page = client_as(world.specialist).get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="ticket-rating"' in staff_page and "处理及时" in staff_page
    assert 'id="ticket-confirmed"' in staff_page
    assert "张伟 <span" in staff_page  # the customer's rows name the customer, not an account
    assert "4 星" in staff_page


def test_event_counts_do_not_leak_internal_rows_to_the_portal(world, submitted, portal_as):
    ticket = submitted()
    ticket_comment(by=world.specialist, ticket=ticket, text="内部备注")
    page = portal_as(world.resident).get(f"/portal/tickets/{ticket.pk}/").content.decode()
    internal = TicketEvent.objects.filter(ticket=ticket, public=False).count()
    assert internal >= 1
    assert page.count('data-kind="comment"') == 0


def test_dashboard_shows_average_rating_scoped_with_drill_down(
    world, submitted, portal_as, client_as, categories
):
    from wuyedesk.channels.services import portal_rate
    from wuyedesk.tickets.services import ticket_create

    first, second = submitted(), submitted(title="第二张")
    for ticket, stars in ((first, 5), (second, 2)):
        answer(world, ticket)
        portal_rate(by=world.resident, ticket=ticket, stars=stars)
    other = ticket_create(
        by=world.specialist_b,
        kind="inquiry",
        channel="phone",
        category=categories["FEES"],
        title="",
        description="B 小区的工单",
        room=world.rooms_b[0],
        resident=world.resident_b,
    )
    Rating.objects.create(
        ticket=other, community=world.b, resident=world.resident_b, stars=1, comment=""
    )

    page = client_as(world.manager).get("/reports/").content.decode()

    assert 'id="rating-average"' in page and "3.5 ★" in page
    assert 'data-rate="rated_well"' in page
    drill = client_as(world.manager).get(
        "/reports/tickets/", {"metric": "rated_well", "part": "denominator"}
    )
    html = drill.content.decode()
    assert first.number in html and second.number in html and other.number not in html


def _queries(client, path, **headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, headers=headers).status_code == 200
    return len(ctx)


def test_list_page_and_list_api_queries_do_not_grow_with_rows(
    world, submitted, portal_as, categories
):
    from wuyedesk.accounts.services import token_create

    def bearer():  # a fresh token each time: its first use always records last_used_at
        return {"Authorization": f"Bearer {token_create(user=world.resident, name='t')[1]}"}

    submitted()
    client = portal_as(world.resident)
    few = (
        _queries(client, "/portal/tickets/"),
        _queries(client, "/api/v1/portal/tickets", **bearer()),
    )
    for i in range(8):
        submitted(title=f"第{i}张", category=categories["UTILITY"], kind="repair")
    many = (
        _queries(client, "/portal/tickets/"),
        _queries(client, "/api/v1/portal/tickets", **bearer()),
    )
    assert many == few


def test_portal_in_english(world, submitted, portal_as):
    ticket = submitted()
    client = portal_as(world.resident)
    client.post("/language/", {"language": "en", "next": "/portal/"})
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Progress" in page and "Reply to the service centre" in page
    assert "处理进度" not in page
