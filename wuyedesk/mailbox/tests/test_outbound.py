"""send_ticket_email: the company address, the resident, threading headers, the record."""

from email.header import decode_header, make_header

import pytest

from wuyedesk.mailbox.choices import OutboundStatus
from wuyedesk.mailbox.models import OutboundMail
from wuyedesk.mailbox.outbound import send_ticket_email


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.fixture
def mail_ticket(world, categories):
    from wuyedesk.tickets.services import ticket_receive

    world.resident_a.email = "zhang.wei@example.com"
    world.resident_a.save(update_fields=["email"])
    return ticket_receive(
        channel="email",
        kind="inquiry",
        category=categories["OTHER"],
        title="停车位",
        description="请问地下车位怎么租?",
        community=world.a,
        resident=world.resident_a,
    )


def test_sends_from_the_company_to_the_resident_and_records_it(mail_ticket, smtp, settings):
    settings.MAIL_FROM = "kefu@wuye.example"
    mail = send_ticket_email(ticket=mail_ticket, subject="答复", text="您好,可以租。", kind="reply")
    assert mail.status == OutboundStatus.SENT and mail.sent_at is not None
    [got] = smtp.to("zhang.wei@example.com")
    assert got["From"] == "kefu@wuye.example"
    assert got["Message-ID"] == f"<{mail.message_id}>"
    assert mail.message_id.endswith("@wuye.example")
    assert subject_of(got) == f"[{mail_ticket.number}] 答复"
    assert "Auto-Submitted" not in got  # a person's answer, not an automatic one
    assert got["In-Reply-To"] is None


def test_second_message_threads_onto_the_first(mail_ticket, smtp):
    first = send_ticket_email(ticket=mail_ticket, subject="答复", text="一", kind="reply")
    second = send_ticket_email(
        ticket=mail_ticket, subject=f"Re: [{mail_ticket.number}] 答复", text="二", kind="feedback"
    )
    assert second.in_reply_to == first.message_id
    got = smtp.messages[-1]
    assert got["In-Reply-To"] == f"<{first.message_id}>"
    assert got["References"] == f"<{first.message_id}>"
    assert subject_of(got) == f"Re: [{mail_ticket.number}] 答复"


def test_no_address_means_nothing_sent(world, categories, smtp):
    from wuyedesk.tickets.services import ticket_receive

    ticket = ticket_receive(
        channel="email",
        kind="inquiry",
        category=categories["OTHER"],
        title="x",
        description="x",
        community=world.a,
        resident=world.resident_b,
    )
    assert send_ticket_email(ticket=ticket, subject="s", text="t", kind="notice") is None
    assert smtp.messages == [] and not OutboundMail.objects.exists()


def test_smtp_failure_is_recorded_and_retried(mail_ticket, smtp, settings):
    from wuyedesk.mailbox.outbound import retry_failed
    from wuyedesk.testing_mail import free_port

    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nobody listens there
    mail = send_ticket_email(ticket=mail_ticket, subject="s", text="t", kind="reply")
    assert mail.status == OutboundStatus.FAILED and mail.error
    settings.EMAIL_PORT = port
    assert retry_failed() == 1
    mail.refresh_from_db()
    assert mail.status == OutboundStatus.SENT and mail.attempts == 2
    assert len(smtp.messages) == 1
