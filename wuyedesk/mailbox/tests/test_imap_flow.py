"""Issue #4 §2 against real servers: Dovecot on 127.0.0.1 for the mailbox residents write
to, the aiosmtpd sink for what we send."""

import pytest

from wuyedesk.mailbox import imap
from wuyedesk.mailbox.choices import InboundStatus, OutboundKind
from wuyedesk.mailbox.models import InboundMail, OutboundMail
from wuyedesk.mailbox.tests.mails import body_of, mail, subject_of
from wuyedesk.tickets.choices import Channel, EventKind
from wuyedesk.tickets.models import Ticket

ADDRESS = "zhang.wei@example.com"


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return imap.poll_once()

    return run


def test_mail_becomes_a_ticket_of_the_resident_and_is_acknowledged(mail_world, imap, smtp, poll):
    imap.append(mail(message_id="<first@example.com>"))
    assert poll() == {"fetched": 1, "stored": 1, "skipped": 0}
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL and ticket.resident == mail_world.resident_a
    assert ticket.room == mail_world.rooms_a[0] and ticket.title == "卫生间漏水"
    assert "楼上漏水" in ticket.description and ticket.owner is None
    stored = InboundMail.objects.get()
    assert stored.status == InboundStatus.TICKET and not stored.attention
    assert stored.raw.read().startswith(b"From:") or b"Message-ID" in stored.raw.read()
    [ack] = smtp.to(ADDRESS)
    assert ticket.number in subject_of(ack) and ticket.number in body_of(ack)
    assert ack["In-Reply-To"] == "<first@example.com>"
    assert ack["References"] == "<first@example.com>"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert "\\Seen" in imap.flags()[0]
    assert poll() == {"fetched": 0, "stored": 0, "skipped": 0}  # nothing new, nothing twice


def test_a_reply_to_the_acknowledgement_threads_onto_the_same_ticket(mail_world, imap, smtp, poll):
    imap.append(mail(message_id="<first@example.com>"))
    poll()
    [ack] = smtp.to(ADDRESS)
    ticket = Ticket.objects.get()
    imap.append(
        mail(
            subject="Re: " + subject_of(ack),
            text="今天下午在家,可以上门。\n\n在 2026年11月27日,客服 写道:\n> 我们已收到您的来信",
            headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
        )
    )
    poll()
    assert Ticket.objects.count() == 1
    reply = ticket.events.get(kind=EventKind.CUSTOMER_REPLY)
    assert reply.body == "今天下午在家,可以上门。" and reply.public
    assert InboundMail.objects.filter(status=InboundStatus.REPLY, ticket=ticket).count() == 1
    assert len(smtp.to(ADDRESS)) == 1  # a reply is not acknowledged again


def test_the_ticket_number_in_the_subject_threads_only_for_its_own_correspondent(
    mail_world, imap, smtp, poll
):
    imap.append(mail())
    poll()
    ticket = Ticket.objects.get()
    imap.append(mail(subject=f"补充 {ticket.number}", text="还有厨房也漏"))
    imap.append(mail(sender="stranger@example.net", subject=f"关于 {ticket.number}", text="x"))
    poll()
    assert ticket.events.filter(kind=EventKind.CUSTOMER_REPLY).count() == 1
    assert Ticket.objects.count() == 1  # the stranger has no community: waits for linking
    stranger = InboundMail.objects.get(from_address="stranger@example.net")
    assert stranger.status == InboundStatus.NEEDS_LINKING and stranger.ticket is None


def test_auto_replies_get_no_acknowledgement(mail_world, imap, smtp, poll):
    imap.append(mail(message_id="<first@example.com>"))
    poll()
    [ack] = smtp.to(ADDRESS)
    ticket = Ticket.objects.get()
    # The resident's out-of-office answers our acknowledgement: kept, not a reply, no answer.
    imap.append(
        mail(
            subject="自动回复: " + subject_of(ack),
            text="我正在休假。",
            headers={"Auto-Submitted": "auto-replied", "In-Reply-To": ack["Message-ID"]},
        )
    )
    # Mail that answers nothing of ours from robots and lists.
    imap.append(mail(sender="mailer-daemon@example.com", subject="Undelivered", text="x"))
    imap.append(mail(subject="Out of office", headers={"X-Autoreply": "yes"}))
    imap.append(mail(subject="周报", headers={"Precedence": "bulk", "List-Id": "<l.example>"}))
    poll()
    assert len(smtp.to(ADDRESS)) == 1 and len(smtp.messages) == 1
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_REPLY).exists()
    statuses = sorted(InboundMail.objects.values_list("status", flat=True))
    assert statuses.count(InboundStatus.AUTOMATED) == 3
    # The list mail of a resident is still a ticket, just never answered automatically.
    assert Ticket.objects.filter(title="周报").exists()


def test_the_same_mail_delivered_twice_makes_one_ticket(mail_world, imap, smtp, poll):
    raw = mail(message_id="<twice@example.com>")
    imap.append(raw)
    imap.append(raw)
    assert poll() == {"fetched": 2, "stored": 1, "skipped": 1}
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 1
    assert len(smtp.to(ADDRESS)) == 1
    assert all("\\Seen" in f for f in imap.flags())


def test_without_message_id_the_bytes_decide(mail_world, imap, smtp, poll):
    raw = mail().replace(b"Message-ID:", b"X-Old-Id:")
    imap.append(raw)
    imap.append(raw)
    poll()
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.get().dedupe_key.startswith("sha256:")


BROKEN = (
    b"From: zhang.wei@example.com\r\nTo: kefu@test.example\r\nSubject: broken\r\n"
    b"Message-ID: <broken@example.com>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed\r\n\r\nno boundary anywhere\r\n"
)


def test_broken_mime_is_stored_and_flagged_never_dropped(mail_world, imap, smtp, poll):
    imap.append(BROKEN)
    poll()
    stored = InboundMail.objects.get()
    assert stored.status == InboundStatus.UNPARSED and stored.attention
    assert "MIME" in stored.error and stored.from_address == ADDRESS
    assert stored.raw.read() == BROKEN
    assert not Ticket.objects.exists() and smtp.messages == []
    assert "\\Seen" in imap.flags()[0]


def test_undecodable_charset_is_flagged(mail_world, imap, smtp, poll):
    raw = mail().replace(b'charset="utf-8"', b'charset="x-unknown-9"')
    imap.append(raw)
    poll()
    assert InboundMail.objects.get().status == InboundStatus.UNPARSED


def test_html_only_mail_is_sanitised_and_its_text_is_the_description(mail_world, imap, smtp, poll):
    html = (
        "<p>电梯<b>坏了</b></p><script>alert(1)</script>"
        '<img src="https://tracker.example/x.png">'
        '<a href="javascript:alert(2)" onclick="x()">看</a>'
    )
    imap.append(mail(text=None, html=html))
    poll()
    stored = InboundMail.objects.get()
    assert "<script" not in stored.body_html and "onclick" not in stored.body_html
    assert "javascript:" not in stored.body_html and "<img" not in stored.body_html
    assert "<b>坏了</b>" in stored.body_html
    ticket = Ticket.objects.get()
    assert ticket.description.startswith("电梯坏了") and "alert" not in ticket.description


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_attachments_are_kept_and_refused_ones_are_named(mail_world, imap, smtp, poll):
    imap.append(
        mail(
            attachments=[
                ("照片.png", PNG, "image", "png"),
                ("run.exe", b"MZ" + b"\0" * 32, "application", "octet-stream"),
            ]
        )
    )
    poll()
    ticket = Ticket.objects.get()
    assert [a.name for a in ticket.attachments.all()] == ["照片.png"]
    stored = InboundMail.objects.get()
    assert stored.attention and "run.exe" in stored.problems[0]
    note = ticket.events.filter(kind=EventKind.COMMENT, body__contains="run.exe").get()
    assert not note.public


def test_a_30_mb_attachment_keeps_the_mail_and_says_why_it_is_not_attached(
    mail_world, imap, smtp, poll
):
    big = b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024)
    imap.append(mail(attachments=[("图纸.pdf", big, "application", "pdf")]))
    poll()
    ticket = Ticket.objects.get()
    assert not ticket.attachments.exists()
    stored = InboundMail.objects.get()
    assert stored.size > 30 * 1024 * 1024 and stored.attention
    assert "图纸.pdf" in stored.problems[0] and "MB" in stored.problems[0]
    assert ticket.events.filter(body__contains="图纸.pdf").exists()
    assert len(smtp.to(ADDRESS)) == 1  # still acknowledged


def test_a_mail_over_the_size_limit_keeps_its_headers_and_stays_in_the_mailbox(
    mail_world, imap, smtp, poll, settings
):
    settings.MAIL_MAX_MB = 1
    imap.append(mail(attachments=[("a.pdf", b"%PDF-" + b"1" * 2_000_000, "application", "pdf")]))
    poll()
    stored = InboundMail.objects.get()
    assert stored.status == InboundStatus.TOO_LARGE and stored.attention
    assert stored.from_address == ADDRESS and stored.subject == "卫生间漏水"
    assert not Ticket.objects.exists()
    assert "\\Seen" not in imap.flags()[0]


def test_unknown_sender_goes_to_the_default_community_without_resident(
    mail_world, imap, smtp, poll, settings
):
    settings.MAIL_DEFAULT_COMMUNITY = "A"
    imap.append(mail(sender="new.owner@example.org"))
    poll()
    ticket = Ticket.objects.get()
    assert ticket.community == mail_world.a and ticket.resident is None
    stored = InboundMail.objects.get()
    assert stored.attention and stored.status == InboundStatus.TICKET
    assert len(smtp.to("new.owner@example.org")) == 1


def test_english_resident_gets_an_english_acknowledgement(mail_world, imap, smtp, poll):
    mail_world.resident.language = "en"
    mail_world.resident.save(update_fields=["language"])
    imap.append(mail())
    poll()
    [ack] = smtp.to(ADDRESS)
    assert "We have received" in body_of(ack)


def test_reply_to_a_closed_ticket_is_refused_by_policy(mail_world, imap, smtp, poll):
    from wuyedesk.testing import policy_in_force
    from wuyedesk.tickets.choices import Status

    imap.append(mail(message_id="<first@example.com>"))
    poll()
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    policy_in_force(closed_reply="refuse")  # a new version of the regulation
    imap.append(mail(subject="Re", headers={"In-Reply-To": "<first@example.com>"}))
    poll()
    assert InboundMail.objects.filter(status=InboundStatus.REFUSED).count() == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    refusal = OutboundMail.objects.get(kind=OutboundKind.REFUSAL)
    assert refusal.to_address == ADDRESS and len(smtp.to(ADDRESS)) == 2


def test_reply_to_a_closed_ticket_reopens_it_by_default(mail_world, imap, smtp, poll):
    from wuyedesk.tickets.choices import Status

    imap.append(mail(message_id="<first@example.com>"))
    poll()
    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)
    imap.append(mail(subject="Re", text="还是漏", headers={"In-Reply-To": "<first@example.com>"}))
    poll()
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.events.filter(kind=EventKind.REOPEN).exists()


def test_processed_mail_is_moved_to_the_done_folder(mail_world, imap, smtp, poll, settings):
    client = imap.connect()
    client.create("Done")
    client.logout()
    settings.MAIL_IMAP_DONE_FOLDER = "Done"
    imap.append(mail())
    poll()
    assert imap.flags("INBOX") == [] and len(imap.flags("Done")) == 1
    assert Ticket.objects.count() == 1


def test_a_missing_done_folder_does_not_stall_the_poller(mail_world, imap, smtp, poll, settings):
    settings.MAIL_IMAP_DONE_FOLDER = "Nowhere"
    imap.append(mail())
    poll()
    imap.append(mail(subject="第二封"))
    assert poll()["stored"] == 1
    assert Ticket.objects.count() == 2


def test_the_command_polls_once(mail_world, imap, smtp):
    from io import StringIO

    from django.core.management import call_command

    imap.append(mail())
    out = StringIO()
    call_command("mail-poll", "--once", stdout=out)
    assert "fetched 1, stored 1" in out.getvalue()
    assert Ticket.objects.count() == 1


def test_a_new_uidvalidity_reads_the_folder_again_without_duplicates(mail_world, imap, smtp, poll):
    from wuyedesk.mailbox.models import MailboxState

    imap.append(mail())
    poll()
    MailboxState.objects.update(uidvalidity=1)  # as if the server had renumbered the folder
    assert poll() == {"fetched": 1, "stored": 0, "skipped": 1}
    assert Ticket.objects.count() == 1
