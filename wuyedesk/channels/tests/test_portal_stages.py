"""The portal as residents read it (issue #12 point 8): their four stages (已受理 / 处理中 /
待您确认 / 已完成) and a stepper instead of the desk's statuses; photos as thumbnails with a
viewer; rating and confirmation only once the ticket is answered; the password change in the
portal's own look; nothing internal shown — a transfer note written to a department never
reaches the resident, by any path."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.channels.tests.conftest import PNG, answer
from wuyedesk.notifications.models import Notification
from wuyedesk.testing import PASSWORD
from wuyedesk.tickets import services as ticket_services

NOTE = "业主脾气不好,上门前先电话,勿提赔偿"
INTERNAL_WORDS = ("已转部门", "待回访", "调查处理中", "待反馈客户", "待关闭", "待处理")


def _page(client, ticket) -> str:
    response = client.get(f"/portal/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _stage(page: str) -> str:
    return re.search(r'id="ticket-status" data-stage="(\w+)"', page).group(1)


def _with_photo(submitted):
    return submitted(kind="repair", photos=[SimpleUploadedFile("漏水.png", PNG)])


def test_a_transfer_note_to_a_department_never_reaches_the_resident(
    world, submitted, portal_as, api_as, django_capture_on_commit_callbacks
):
    ticket = submitted(kind="repair")
    with django_capture_on_commit_callbacks(execute=True):  # the resident's notices
        ticket_services.ticket_transfer(
            by=world.specialist, ticket=ticket, department=world.engineering, note=NOTE
        )
    ticket_services.dispatch_reply(
        by=world.worker, dispatch=ticket.dispatches.get(), text="已上门,业主不在家"
    )
    client = portal_as(world.resident)
    page = _page(client, ticket)
    assert NOTE not in page and "业主不在家" not in page
    assert "已转交工程部处理" in page  # they learn that it moved, not what staff wrote
    listing = client.get("/portal/tickets/").content.decode()
    home = client.get("/portal/").content.decode()
    for html in (page, listing, home):
        for word in INTERNAL_WORDS:
            assert word not in html, word
    api = api_as(world.resident).get(f"/api/v1/portal/tickets/{ticket.pk}").json()
    assert NOTE not in str(api) and api["stage"] == "in_progress"
    assert api["status_label"] == "处理中"
    notices = Notification.objects.filter(user=world.resident)
    assert notices.exists() and all(NOTE not in n.text for n in notices)


def test_rating_and_confirmation_only_after_the_answer(world, submitted, portal_as):
    ticket = _with_photo(submitted)  # the resident's own photo is no answer
    client = portal_as(world.resident)
    page = _page(client, ticket)
    assert _stage(page) == "received" and ">已受理<" in page
    assert 'id="rate"' not in page and 'id="confirm"' not in page and "确认已解决" not in page
    refused = client.post(f"/portal/tickets/{ticket.pk}/rate/", {"stars": 5})
    assert refused.status_code == 422

    ticket_services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note=NOTE
    )
    page = _page(client, ticket)
    assert _stage(page) == "in_progress" and 'id="rate"' not in page

    answer(world, ticket, "师傅明天上午上门")
    page = _page(client, ticket)
    assert _stage(page) == "your_turn" and 'id="your-turn"' in page
    assert 'id="rate"' in page and 'id="confirm"' in page

    assert client.post(f"/portal/tickets/{ticket.pk}/confirm/", {"text": ""}).status_code == 302
    page = _page(client, ticket)
    assert _stage(page) == "done" and 'id="confirm"' not in page and 'id="rate"' in page


def test_the_stepper_marks_where_it_is(world, submitted, portal_as):
    ticket = submitted(kind="repair")
    answer(world, ticket)
    page = _page(portal_as(world.resident), ticket)
    stepper = re.search(r'<ol class="portal-stepper.*?</ol>', page, re.S).group(0)
    steps = re.findall(r'class="step step-(\w+)" data-stage="(\w+)"', stepper)
    assert steps == [
        ("done", "received"),
        ("done", "in_progress"),
        ("current", "your_turn"),
        ("todo", "done"),
    ]
    assert stepper.count('aria-current="step"') == 1
    assert [label for label in ("已受理", "处理中", "待您确认", "已完成") if label in stepper] == [
        "已受理",
        "处理中",
        "待您确认",
        "已完成",
    ]


def test_a_closed_ticket_is_done(world, submitted, portal_as):
    ticket = submitted(kind="repair")
    ticket_services.ticket_follow_up(by=world.specialist, ticket=ticket, channel="phone", text="好")
    ticket_services.ticket_close(by=world.specialist, ticket=ticket)
    assert _stage(_page(portal_as(world.resident), ticket)) == "done"


def test_photos_are_thumbnails_with_a_viewer(world, submitted, portal_as):
    ticket = _with_photo(submitted)
    photo = ticket.attachments.get()
    page = _page(portal_as(world.resident), ticket)
    url = f"/portal/tickets/{ticket.pk}/files/{photo.pk}/"
    grid = re.search(r'<div class="photo-grid mb-3" id="photos">.*?</div>', page, re.S).group(0)
    assert f'href="#photo-{photo.pk}"' in grid and f'<img src="{url}"' in grid
    viewer = re.search(
        rf'<div class="photo-viewer" id="photo-{photo.pk}".*?</div>\n</div>', page, re.S
    )
    assert viewer and f'<img src="{url}"' in viewer.group(0) and 'href="#photos"' in viewer.group(0)
    assert ">漏水.png</a>" not in page  # a photo is shown, not named


def test_another_residents_ticket_is_not_found(world, submitted, portal_as, neighbour):
    ticket = _with_photo(submitted)
    photo = ticket.attachments.get()
    client = portal_as(neighbour)
    assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404
    assert client.get(f"/portal/tickets/{ticket.pk}/files/{photo.pk}/").status_code == 404


def test_the_list_costs_no_query_per_ticket(world, submitted, portal_as):
    client = portal_as(world.resident)
    submitted(kind="repair")
    client.get("/portal/tickets/")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/portal/tickets/").status_code == 200
        return len(queries)

    few = count()
    for _n in range(5):
        answer(world, submitted(kind="repair"))
    assert count() == few


def test_stages_in_english(world, submitted, portal_as):
    world.resident.language = "en"
    world.resident.save()
    ticket = submitted(kind="repair")
    page = _page(portal_as(world.resident), ticket)
    assert "Received" in page and "Awaiting your confirmation" in page and "Completed" in page


def test_password_change_in_the_portal_look(world, portal_as, client_as):
    client = portal_as(world.resident)
    assert client.get("/account/password/").url == "/portal/account/password/"
    page = client.get("/portal/account/password/").content.decode()
    assert "portal-container" in page and 'id="password-change"' in page
    assert 'id="portal-logout"' in page and "navbar-nav" not in page  # no staff menu
    bad = client.post(
        "/portal/account/password/",
        {"old_password": "wrong", "new_password1": "Xq7-long-pass", "new_password2": "other"},
    )
    assert bad.status_code == 422 and "portal-container" in bad.content.decode()
    world.resident.refresh_from_db()
    assert world.resident.check_password(PASSWORD)
    good = client.post(
        "/portal/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Xq7-long-pass-2026",
            "new_password2": "Xq7-long-pass-2026",
        },
    )
    assert good.status_code == 302 and good.url == "/portal/"
    world.resident.refresh_from_db()
    assert world.resident.check_password("Xq7-long-pass-2026")
    staff = client_as(world.specialist).get("/portal/account/password/")
    assert staff.status_code in (302, 403)
    assert client_as(world.specialist).get("/account/password/").status_code == 200


@pytest.mark.parametrize("path", ["/portal/account/password/"])
def test_anonymous_goes_to_the_portal_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/portal/login/" in response.url
