"""Internal or to the customer (issue #11 point 9): what staff write for a department or for
the file never reaches the resident, by the portal page, the portal API, e-mail, the SMS
gateway or a portal notice; every staff text box says who will read it."""

import importlib
import re

import pytest
from django.apps import apps

from wuyedesk.notifications.models import Notification, WebhookDelivery
from wuyedesk.notifications.tests import test_residents as notices
from wuyedesk.testing import PASSWORD, ticket_page
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import Audience, EventKind
from wuyedesk.tickets.models import TicketEvent
from wuyedesk.tickets.selectors import customer_timeline
from wuyedesk.tickets.visibility import audience_of

NOTE = "请工程部今天上门,此户脾气大"
RECORD = "内部记录:业主态度很差"
WORDS = "回访原话:内部留存"
REPLY = "工程部内部:需要换阀门"
MESSAGE = "您好,师傅明早九点到。"
RESULT = "已更换阀门,漏水已修复。"
SECRETS = (NOTE, RECORD, WORDS, REPLY)


@pytest.fixture
def sms_gateway(settings):
    """The real HTTP server standing in for the SMS/WeChat gateway (notifications tests)."""
    server = notices.Gateway()
    settings.NOTIFY_WEBHOOK_URL = server.url
    settings.NOTIFY_WEBHOOK_SECRET = notices.SECRET
    settings.NOTIFY_WEBHOOK_TIMEOUT = 0.5
    yield server
    server.stop()


@pytest.fixture
def handled(world, call, django_capture_on_commit_callbacks):
    """An inquiry of resident A that went through every kind of staff text: a transfer note,
    the department's reply, a follow-up record, a message, the result and a return visit."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call(kind="repair")
    steps = [
        lambda: services.ticket_transfer(
            by=world.specialist, ticket=ticket, department=world.engineering, note=NOTE
        ),
        lambda: services.dispatch_reply(
            by=world.worker, dispatch=ticket.dispatches.get(), text=REPLY
        ),
        lambda: services.ticket_follow_up(
            by=world.specialist, ticket=ticket, channel="phone", text=RECORD
        ),
        lambda: services.ticket_comment(
            by=world.specialist, ticket=ticket, text=MESSAGE, public=True, channel="phone"
        ),
        lambda: services.ticket_feedback(
            by=world.specialist, ticket=ticket, channel="phone", text=RESULT
        ),
        lambda: services.ticket_return_visit(
            by=world.specialist,
            ticket=ticket,
            channel="phone",
            reached=True,
            satisfaction="satisfied",
            words=WORDS,
        ),
    ]
    for step in steps:
        with django_capture_on_commit_callbacks(execute=True):
            step()
    ticket.refresh_from_db()
    return ticket


def test_the_rule_in_one_place(world, handled):
    audiences = {e.kind: audience_of(e) for e in handled.events.all()}
    assert audiences[EventKind.TRANSFER] == Audience.PROGRESS
    assert audiences[EventKind.FOLLOW_UP] == Audience.PROGRESS
    assert audiences[EventKind.RETURN_VISIT] == Audience.PROGRESS
    assert audiences[EventKind.REPLY] == Audience.INTERNAL
    assert audiences[EventKind.MESSAGE] == Audience.CUSTOMER
    assert audiences[EventKind.FEEDBACK] == Audience.CUSTOMER
    transfer = handled.events.get(kind=EventKind.TRANSFER)
    assert transfer.body == NOTE and not transfer.public  # kept, for staff and the department


def test_customer_timeline_has_progress_without_staff_text(world, handled):
    rows = customer_timeline(handled)
    bodies = " ".join(r.body for r in rows)
    assert [r.kind for r in rows] == [
        "created",
        "transfer",
        "follow_up",
        "message",
        "feedback",
        "return_visit",
    ]
    assert "已转交工程部处理" in bodies and MESSAGE in bodies and RESULT in bodies
    for secret in SECRETS:
        assert secret not in bodies


def test_portal_page_never_shows_an_internal_note(world, handled, client):
    client.force_login(world.resident, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")
    page = client.get(f"/portal/tickets/{handled.pk}/").content.decode()
    assert MESSAGE in page and RESULT in page and "已转交工程部处理" in page
    for secret in SECRETS:
        assert secret not in page
    assert 'data-kind="reply"' not in page


def test_portal_api_never_shows_an_internal_note(world, handled, client):
    token = client.post(
        "/api/v1/portal/token",
        {"mobile": "13812345678", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    detail = client.get(f"/api/v1/portal/tickets/{handled.pk}", headers=headers)
    assert detail.status_code == 200
    text = detail.content.decode("unicode_escape") + detail.content.decode()
    for secret in SECRETS:
        assert secret not in text
    kinds = [row["kind"] for row in detail.json()["timeline"]]
    assert "reply" not in kinds and "transfer" in kinds
    listing = client.get("/api/v1/portal/tickets", headers=headers).content.decode()
    assert NOTE not in listing


def test_staff_see_every_note_marked_by_audience(world, handled, client_as, api_as):
    page = client_as(world.specialist).get(f"/tickets/{handled.pk}/").content.decode()
    assert NOTE in page and REPLY in page and RECORD in page
    transfer_row = re.search(r'<li [^>]*data-kind="transfer"[^>]*>', page).group(0)
    assert 'data-audience="progress"' in transfer_row
    reply_row = re.search(r'<li [^>]*data-kind="reply"[^>]*>', page).group(0)
    assert "timeline-internal" in reply_row
    message_row = re.search(r'<li [^>]*data-kind="message"[^>]*>', page).group(0)
    assert "timeline-customer" in message_row
    timeline = api_as(world.specialist).get(f"/api/v1/tickets/{handled.pk}").json()["timeline"]
    by_kind = {e["kind"]: e["audience"] for e in timeline}
    assert by_kind["transfer"] == "progress" and by_kind["reply"] == "internal"
    assert by_kind["message"] == "customer"


def test_notices_by_every_channel_never_carry_a_note(
    world, call, sms_gateway, smtp, django_capture_on_commit_callbacks
):
    world.resident_a.email = "zhangwei@example.com"
    world.resident_a.save()
    notices.prefer(world.resident_a, portal=True, email=True, webhook=True)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call(kind="repair")
    for step in (
        lambda: services.ticket_transfer(
            by=world.specialist, ticket=ticket, department=world.engineering, note=NOTE
        ),
        lambda: services.ticket_follow_up(
            by=world.specialist, ticket=ticket, channel="phone", text=RECORD
        ),
        lambda: services.ticket_comment(by=world.specialist, ticket=ticket, text=REPLY),
        lambda: services.ticket_comment(
            by=world.specialist, ticket=ticket, text=MESSAGE, public=True
        ),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            step()
    texts = Notification.objects.filter(user=world.resident).values_list("text", flat=True)
    portal = " ".join(texts)
    mails = " ".join(m.get_payload(decode=True).decode() for m in smtp.to("zhangwei@example.com"))
    sms = " ".join(body.decode() for _headers, body in sms_gateway.requests)
    assert len(sms_gateway.requests) == 3  # created, transfer, message: the others are not told
    assert "工程部" in sms
    assert "工程部" in portal  # told that it was handed on
    assert MESSAGE in portal and MESSAGE in mails
    for channel in (portal, mails, sms, str(list(WebhookDelivery.objects.values("payload")))):
        for secret in (NOTE, RECORD, REPLY):
            assert secret not in channel


def test_every_staff_text_box_says_who_reads_it(world, call, client_as, categories):
    complaint = call(kind="complaint", category=categories["ATTITUDE"])
    page = ticket_page(client_as(world.manager), complaint)
    boxes = re.findall(r"<textarea[^>]*>", page) + re.findall(
        r'<input[^>]*name="m-\d+-what"[^>]*>', page
    )
    assert len(boxes) >= 8
    for box in boxes:
        assert re.search(r'data-audience="(internal|department|customer)"', box), box
    assert 'data-audience-for="reason"' in page
    assert "仅内部可见" in page and "客户可见" in page
    message = re.search(r'action="[^"]*/message/".*?</form>', page, re.S).group(0)
    assert 'data-audience="customer"' in message
    comment = re.search(r'action="[^"]*/comment/".*?</form>', page, re.S).group(0)
    assert 'data-audience="internal"' in comment and "note-internal" in comment
    measure = re.search(r'<input[^>]*name="m-0-what"[^>]*>', page).group(0)
    assert 'data-audience="department"' in measure  # #12: a measure is read by its department
    repair = call(kind="repair")
    page = ticket_page(client_as(world.specialist), repair)
    feedback = re.search(r'action="[^"]*/feedback/".*?</form>', page, re.S).group(0)
    assert 'data-audience="customer"' in feedback and "note-customer" in feedback
    transfer = re.search(r'action="[^"]*/transfer/".*?</form>', page, re.S).group(0)
    # #12 point 3: a transfer note says it is the department's to read (not the resident's).
    assert 'data-audience="department"' in transfer and "note-department" in transfer
    assert "部门可见" in transfer and "业主只看到" in transfer


def test_text_boxes_say_it_in_english(world, call, client_as):
    world.specialist.language = "en"
    world.specialist.save()
    ticket = call()
    page = ticket_page(client_as(world.specialist), ticket)
    assert "Internal" in page and "The resident will read this" in page


def test_migration_makes_old_transfer_notes_internal(world, call):
    ticket = call()
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note=NOTE
    )
    TicketEvent.objects.filter(kind=EventKind.TRANSFER).update(public=True)  # as written before
    message = services.ticket_comment(by=world.specialist, ticket=ticket, text="x", public=True)
    migration = importlib.import_module("wuyedesk.tickets.migrations.0008_transfer_notes_internal")

    migration.make_internal(apps, None)

    assert not TicketEvent.objects.get(kind=EventKind.TRANSFER).public
    message.refresh_from_db()
    assert message.public
    assert NOTE not in " ".join(r.body for r in customer_timeline(ticket))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_customer_rows_label_is_its_kinds_in_the_readers_language(language):
    """customer_row labels a row from the kinds' map (display.EVENT_KINDS), as the event's
    own get_kind_display() does, for every kind the customer may see."""
    from django.utils import translation

    from wuyedesk.tickets.visibility import customer_row

    shown = 0
    with translation.override(language):
        for kind in EventKind.values:
            event = TicketEvent(pk=1, kind=kind, body="x", public=True, data={"reached": True})
            row = customer_row(event)
            if row is not None:
                assert row.label == event.get_kind_display(), kind
                shown += 1
    assert shown >= 3
