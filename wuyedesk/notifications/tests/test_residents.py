"""Notices to residents (issue #4 item 4): portal, e-mail and the SMS/WeChat webhook, each as
the resident chose; tested against a real SMTP server and a real HTTP gateway on 127.0.0.1."""

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from huey.contrib.djhuey import HUEY

from wuyedesk.notifications.models import (
    DeliveryStatus,
    Notification,
    ResidentPreference,
    WebhookDelivery,
)
from wuyedesk.tickets import services as tickets

SECRET = "gateway-shared-secret"


class Gateway:
    """A real HTTP server standing in for the SMS/WeChat gateway. `script` lists what to do
    with each request in turn: an HTTP status, or ("sleep", seconds) then 200."""

    def __init__(self):
        self.requests = []
        self.script = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((dict(self.headers), body))
                action = gateway.script.pop(0) if gateway.script else 200
                if isinstance(action, tuple):
                    time.sleep(action[1])
                    action = 200
                try:
                    self.send_response(action)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.NOTIFY_WEBHOOK_URL = server.url
    settings.NOTIFY_WEBHOOK_SECRET = SECRET
    settings.NOTIFY_WEBHOOK_TIMEOUT = 0.5
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _huey_schedule():
    HUEY.flush()
    yield
    HUEY.flush()


def run_retries() -> int:
    """Run the retries huey scheduled (as the consumer would once their delay passed)."""
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    due = HUEY.read_schedule(later)
    for task in due:
        HUEY.execute(task, later)
    return len(due)


@pytest.fixture
def resident_user(world):
    return world.resident


def prefer(resident, **channels):
    defaults = {"portal": True, "email": False, "webhook": False}
    ResidentPreference.objects.update_or_create(
        resident=resident, defaults={**defaults, **channels}
    )


def notices(user):
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def test_events_that_matter_reach_the_resident_on_the_portal(
    world, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
    assert any(ticket.number in text and "已受理" in text for text in notices(world.resident))
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_transfer(
            by=world.specialist, ticket=ticket, department=world.engineering, note="请上门查看"
        )
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_comment(
            by=world.specialist, ticket=ticket, text="师傅明早九点到", public=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_feedback(by=world.specialist, ticket=ticket, channel="phone", text="已修好")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_return_visit(
            by=world.specialist,
            ticket=ticket,
            channel="phone",
            reached=True,
            satisfaction="satisfied",
            words="内部:客户语气不太好",
        )
    texts = notices(world.resident)
    assert len(texts) == 5
    assert any("工程部" in t for t in texts)
    assert any("师傅明早九点到" in t for t in texts)
    assert any("已修好" in t for t in texts)
    assert any("回访" in t for t in texts)
    assert not any("内部" in t for t in texts)  # the return visit's remarks are the desk's
    link = Notification.objects.filter(user=world.resident).first().link
    assert link == f"/portal/tickets/{ticket.pk}/"


def test_internal_notes_never_notify_anyone_outside(
    world, call, gateway, smtp, django_capture_on_commit_callbacks
):
    world.resident_a.email = "zhangwei@example.com"
    world.resident_a.save()
    prefer(world.resident_a, portal=True, email=True, webhook=True)
    ticket = call()
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_comment(by=world.specialist, ticket=ticket, text="内部备注:此户常投诉")
        tickets.ticket_escalate(by=world.specialist, ticket=ticket, reason="内部:上报")
    assert Notification.objects.filter(user=world.resident).count() == 0
    assert smtp.messages == [] and gateway.requests == []
    assert not WebhookDelivery.objects.exists()


def test_nothing_reaches_another_resident(world, call, django_capture_on_commit_callbacks):
    from wuyedesk.accounts.choices import UserKind
    from wuyedesk.accounts.models import User
    from wuyedesk.testing import PASSWORD

    other = User.objects.create_user(
        username="resident-b", password=PASSWORD, kind=UserKind.RESIDENT, resident=world.resident_b
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
        tickets.ticket_comment(by=world.specialist, ticket=ticket, text="回复", public=True)
    assert Notification.objects.filter(user=other).count() == 0
    # A ticket about a public area, with no resident: nobody is told.
    with django_capture_on_commit_callbacks(execute=True):
        call(resident=None)
    assert Notification.objects.filter(user=other).count() == 0
    assert Notification.objects.filter(user=world.resident).count() == 2


def test_email_in_the_residents_language(world, call, smtp, django_capture_on_commit_callbacks):
    world.resident_a.email = "zhangwei@example.com"
    world.resident_a.save()
    ticket = call()
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_comment(
            by=world.specialist, ticket=ticket, text="师傅明早九点到", public=True
        )
    mail = smtp.to("zhangwei@example.com")
    assert len(mail) == 1
    body = mail[0].get_payload(decode=True).decode()
    assert "张伟,您好" in body and "师傅明早九点到" in body
    assert ticket.number in str(make_header(decode_header(mail[0]["Subject"])))
    world.resident.language = "en"
    world.resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_feedback(by=world.specialist, ticket=ticket, channel="email", text="Fixed.")
    mail = smtp.to("zhangwei@example.com")
    assert len(mail) == 2
    body = mail[1].get_payload(decode=True).decode()
    assert "Dear 张伟" in body, body
    assert "Fixed." in body


def test_preferences_are_respected(world, call, smtp, django_capture_on_commit_callbacks):
    world.resident_a.email = "zhangwei@example.com"
    world.resident_a.save()
    prefer(world.resident_a, portal=False, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
        tickets.ticket_comment(by=world.specialist, ticket=ticket, text="回复", public=True)
    assert Notification.objects.filter(user=world.resident).count() == 0
    assert smtp.messages == []
    prefer(world.resident_a, portal=False, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_comment(by=world.specialist, ticket=ticket, text="再次回复", public=True)
    assert len(smtp.to("zhangwei@example.com")) == 1
    assert Notification.objects.filter(user=world.resident).count() == 0


def test_webhook_delivered_signed(world, call, gateway, django_capture_on_commit_callbacks):
    prefer(world.resident_a, portal=False, webhook=True)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
    assert len(gateway.requests) == 1
    headers, body = gateway.requests[0]
    expected = hmac.new(
        SECRET.encode(), headers["X-WuyeDesk-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-WuyeDesk-Signature"] == f"sha256={expected}"
    document = json.loads(body)
    assert document["event"] == "created" and document["ticket"] == ticket.number
    assert document["resident"]["phone"] == "13812345678"
    assert document["language"] == "zh-hans" and ticket.number in document["text"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert "13812345678" not in json.dumps(delivery.payload)  # the log keeps no phone number


def test_webhook_500_then_success_is_retried_and_logged(
    world, call, gateway, django_capture_on_commit_callbacks
):
    prefer(world.resident_a, portal=False, webhook=True)
    gateway.script = [500]
    with django_capture_on_commit_callbacks(execute=True):
        call()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempts == 1 and delivery.last_status == 500
    assert delivery.last_error == "HTTP 500"
    assert run_retries() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert len(gateway.requests) == 2
    assert json.loads(gateway.requests[1][1])["id"] == json.loads(gateway.requests[0][1])["id"]


def test_webhook_gateway_timeout_is_a_logged_retry_and_nothing_is_lost(
    world, call, gateway, django_capture_on_commit_callbacks, caplog
):
    prefer(world.resident_a, portal=False, webhook=True)
    gateway.script = [("sleep", 1.5)]
    with django_capture_on_commit_callbacks(execute=True):
        call()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.last_error.startswith("timeout")
    assert any("will retry" in r.getMessage() for r in caplog.records)
    assert not any("13812345678" in r.getMessage() for r in caplog.records)
    run_retries()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2


def test_webhook_gives_up_after_the_retries_and_an_admin_resends(
    world, call, gateway, settings, client_as, django_capture_on_commit_callbacks
):
    prefer(world.resident_a, portal=False, webhook=True)
    gateway.script = [503] * (settings.NOTIFY_WEBHOOK_RETRIES + 1)
    with django_capture_on_commit_callbacks(execute=True):
        call()
    while run_retries():
        pass
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == settings.NOTIFY_WEBHOOK_RETRIES + 1
    page = client_as(world.admin).get("/notifications/webhooks/")
    assert "HTTP 503" in page.content.decode() and "13812345678" not in page.content.decode()
    assert client_as(world.manager).get("/notifications/webhooks/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        client_as(world.admin).post("/notifications/webhooks/", {"resend": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_same_event_is_told_once(world, call, gateway, django_capture_on_commit_callbacks):
    from wuyedesk.notifications.residents import ticket_event_notify

    prefer(world.resident_a, portal=True, webhook=True)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
    event = ticket.events.get(kind="created")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_event_notify(event.pk)
    assert Notification.objects.filter(user=world.resident).count() == 1
    assert WebhookDelivery.objects.count() == 1 and len(gateway.requests) == 1


def test_mail_created_ticket_is_not_acknowledged_twice(
    world, categories, smtp, django_capture_on_commit_callbacks
):
    world.resident_a.email = "zhangwei@example.com"
    world.resident_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_receive(
            channel="email",
            kind="inquiry",
            category=categories["UTILITY"],
            title="停水",
            description="什么时候来水?",
            community=world.a,
            resident=world.resident_a,
            room=world.rooms_a[0],
        )
    assert smtp.messages == []  # the mailbox acknowledges in the mail's own thread
    assert Notification.objects.filter(user=world.resident).count() == 1
