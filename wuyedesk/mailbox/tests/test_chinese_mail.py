"""Issue #11 point 13: mail as Chinese clients and servers really send it, delivered into a
real Dovecot mailbox and polled; what we answer is read from the real SMTP sink.

The raw mails are written byte by byte, as Foxmail, Outlook, QQ Mail and the mail servers'
delivery reports send them, not made by Python's email package."""

import base64
from email.utils import format_datetime

import pytest
from django.utils import timezone

from wuyedesk.mailbox import imap as imap_poller
from wuyedesk.mailbox.choices import InboundStatus, OutboundKind
from wuyedesk.mailbox.models import InboundMail, OutboundMail
from wuyedesk.mailbox.tests.mails import mail, subject_of
from wuyedesk.notifications.models import Notification
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import Ticket

ADDRESS = "zhang.wei@example.com"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return imap_poller.poll_once()

    return run


def encoded_word(text: str, charset: str = "gb2312") -> bytes:
    """An RFC 2047 encoded word labelled `charset` holding `text` as GBK bytes (what a client
    that says GB2312 really sends)."""
    return b"=?" + charset.encode() + b"?B?" + base64.b64encode(text.encode("gbk")) + b"?="


def head(**fields: bytes) -> bytes:
    lines = [
        b"Date: " + format_datetime(timezone.now()).encode(),
        b"To: kefu@test.example",
        b"MIME-Version: 1.0",
    ]
    lines += [name.replace("_", "-").encode() + b": " + value for name, value in fields.items()]
    return b"\r\n".join(lines) + b"\r\n"


def notes_for(mail_pk: int) -> int:
    return Notification.objects.filter(kind="mail", link=f"/mail/{mail_pk}/").count()


# --------------------------------------------------------------------- GB2312 that is GBK


def test_gb2312_labels_holding_gbk_characters_read_as_gb18030(mail_world, imap, smtp, poll):
    """喆 is not in GB2312: a strict GB2312 decoder makes 王喆 into 王�. Subject and sender
    (RFC 2047), body, and attachment names (RFC 2047 and RFC 2231) all read as GB18030."""
    body = base64.b64encode("王喆:三号楼楼道灯坏了,晚上很黑。".encode("gbk"))
    raw = (
        head(
            From=encoded_word("王喆") + b" <" + ADDRESS.encode() + b">",
            Subject=encoded_word("王喆的报修:楼道灯"),
            Message_ID=b"<gb2312@example.com>",
            Content_Type=b'multipart/mixed; boundary="BOUNDARY"',
        )
        + b"\r\n--BOUNDARY\r\n"
        + b"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + body
        + b"\r\n--BOUNDARY\r\n"
        + b'Content-Type: image/png; name="'
        + encoded_word("喆家楼道.png")
        + b'"\r\nContent-Disposition: attachment; filename="'
        + encoded_word("喆家楼道.png")
        + b'"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + base64.b64encode(PNG)
        + b"\r\n--BOUNDARY\r\n"
        + b"Content-Type: image/jpeg\r\n"
        + b"Content-Disposition: attachment; filename*=gbk''%CD%F5%86%B4.jpg\r\n"
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(JPEG)
        + b"\r\n--BOUNDARY--\r\n"
    )
    imap.append(raw)
    poll()
    stored = InboundMail.objects.get()
    assert stored.from_name == "王喆" and stored.subject == "王喆的报修:楼道灯"
    assert "\ufffd" not in stored.subject + stored.from_name + stored.body_text
    ticket = Ticket.objects.get()
    assert ticket.title == "王喆的报修:楼道灯" and ticket.resident == mail_world.resident_a
    assert ticket.description.startswith("王喆:三号楼楼道灯坏了")
    assert sorted(a.name for a in ticket.attachments.all()) == ["喆家楼道.png", "王喆.jpg"]
    assert not stored.attention
    [ack] = smtp.to(ADDRESS)
    assert "王喆的报修:楼道灯" in subject_of(ack) and ticket.number in subject_of(ack)


def test_a_gb2312_body_part_with_gbk_characters_in_an_html_mail_reads(mail_world, imap, smtp, poll):
    html = "<p>王喆家的<b>水管</b>爆了</p>".encode("gbk")
    raw = (
        head(
            From=b"zhang.wei@example.com",
            Subject=b"=?GB2312?Q?=86=B4?=",  # 喆 in GBK, quoted-printable
            Content_Type=b"text/html; charset=GB2312",
            Content_Transfer_Encoding=b"8bit",
        )
        + b"\r\n"
        + html
    )
    imap.append(raw)
    poll()
    ticket = Ticket.objects.get()
    assert ticket.title == "喆" and ticket.description == "王喆家的水管爆了"
    assert "<b>水管</b>" in InboundMail.objects.get().body_html


# ----------------------------------------------------------------- 8-bit headers, no MIME


def test_a_raw_8bit_gbk_subject_and_sender_name_read_as_chinese(mail_world, imap, smtp, poll):
    raw = (
        head(
            From="王喆 <zhang.wei@example.com>".encode("gbk"),
            Subject="电梯又坏了,喆".encode("gbk"),
            Message_ID=b"<raw-gbk@example.com>",
            Content_Type=b"text/plain; charset=gbk",
            Content_Transfer_Encoding=b"8bit",
        )
        + b"\r\n"
        + "二号楼电梯停在 5 楼不动。".encode("gbk")
    )
    imap.append(raw)
    poll()
    stored = InboundMail.objects.get()
    assert stored.subject == "电梯又坏了,喆" and stored.from_name == "王喆"
    assert stored.from_address == ADDRESS and stored.status == InboundStatus.TICKET
    ticket = Ticket.objects.get()
    assert ticket.title == "电梯又坏了,喆" and ticket.description == "二号楼电梯停在 5 楼不动。"
    [ack] = smtp.to(ADDRESS)
    assert "电梯又坏了,喆" in subject_of(ack)


def test_a_raw_8bit_utf8_subject_is_read_as_utf8_first(mail_world, imap, smtp, poll):
    raw = (
        head(
            From="张伟 <zhang.wei@example.com>".encode(),
            Subject="停车位被占,麻烦处理".encode(),
            Content_Type=b"text/plain; charset=utf-8",
            Content_Transfer_Encoding=b"8bit",
        )
        + b"\r\n"
        + "我的车位被别人占了。".encode()
    )
    imap.append(raw)
    poll()
    stored = InboundMail.objects.get()
    assert stored.subject == "停车位被占,麻烦处理" and stored.from_name == "张伟"
    assert Ticket.objects.get().description == "我的车位被别人占了。"


def test_a_header_neither_utf8_nor_gb18030_is_kept_and_the_mail_still_counts(
    mail_world, imap, smtp, poll
):
    """Nothing is ever dropped: bytes that no decoder reads become replacement marks, the mail
    is a ticket, and the original is kept byte for byte."""
    raw = (
        head(From=b"zhang.wei@example.com", Subject=b"\xff\xfe broken \x80", Message_ID=b"<x@y.z>")
        + b"Content-Type: text/plain; charset=utf-8\r\n\r\nhello"
    )
    imap.append(raw)
    poll()
    stored = InboundMail.objects.get()
    assert "broken" in stored.subject and stored.raw.read() == raw
    assert Ticket.objects.get().description == "hello"


# ------------------------------------------------------------------------- out of office


def _first_ticket(imap, poll, smtp):
    imap.append(mail(message_id="<first@example.com>"))
    poll()
    [ack] = smtp.to(ADDRESS)
    return Ticket.objects.get(), ack


@pytest.mark.parametrize(
    "prefix",
    [
        "自动回复: ",
        "自动回复:",
        "自动答复: ",
        "Automatic reply: ",
        "Out of Office: ",
        "Out of Office AutoReply: ",
        "休假: ",
        "休假中 - ",
        "不在办公室: ",
        "【自动回复】",
    ],
)
def test_an_out_of_office_reply_known_by_its_subject_gets_no_answer(
    prefix, mail_world, imap, smtp, poll
):
    """The resident's auto-responder answers our acknowledgement without Auto-Submitted or
    X-Autoreply (QQ Mail, NetEase, older Exchange): kept with the ticket, never a customer
    reply, never acknowledged: no loop."""
    ticket, ack = _first_ticket(imap, poll, smtp)
    imap.append(
        mail(
            subject=prefix + subject_of(ack),
            text="您好,我正在休假,12 月 10 日回来后回复您。",
            headers={"In-Reply-To": ack["Message-ID"]},
        )
    )
    poll()
    auto = InboundMail.objects.exclude(message_id="first@example.com").get()
    assert auto.status == InboundStatus.AUTOMATED and auto.automated and auto.ticket == ticket
    assert not auto.attention
    assert Ticket.objects.count() == 1
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_REPLY).exists()
    assert len(smtp.messages) == 1 and OutboundMail.objects.count() == 1


def test_an_out_of_office_reply_threaded_only_by_the_ticket_number_is_kept_quietly(
    mail_world, imap, smtp, poll
):
    ticket, ack = _first_ticket(imap, poll, smtp)
    imap.append(mail(subject="自动回复:" + subject_of(ack), text="本人休假中。"))
    imap.append(mail(subject="Automatic reply: 周末的活动", text="I am away."))
    poll()
    threaded, loose = InboundMail.objects.exclude(message_id="first@example.com").order_by("id")
    assert threaded.ticket == ticket and threaded.status == InboundStatus.AUTOMATED
    # One that answers nothing of ours: kept in the automatic-mail list, no ticket.
    assert loose.status == InboundStatus.AUTOMATED and loose.ticket is None
    assert Ticket.objects.count() == 1 and len(smtp.messages) == 1


def test_a_resident_writing_about_a_holiday_is_still_a_ticket(mail_world, imap, smtp, poll):
    imap.append(mail(subject="休假期间请帮忙收快递", text="我下周休假,快递请放物业。"))
    imap.append(mail(subject="Re: 自动回复的问题", text="你们的自动回复没有工单号。"))
    poll()
    assert Ticket.objects.count() == 2 and len(smtp.to(ADDRESS)) == 2


# ------------------------------------------------------------------------------ bounces


def _report(original: bytes) -> bytes:
    """A delivery status notification (RFC 3464) as Postfix sends it, the original attached."""
    return (
        head(
            From=b"Mail Delivery System <MAILER-DAEMON@mx.example.com>",
            Subject=b"Undelivered Mail Returned to Sender",
            Message_ID=b"<bounce-report@mx.example.com>",
            Auto_Submitted=b"auto-replied",
            Content_Type=b'multipart/report; report-type=delivery-status; boundary="REPORT"',
        )
        + b"\r\n--REPORT\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        + b"This is the mail system at host mx.example.com.\r\n"
        + b"I'm sorry to have to inform you that your message could not be delivered.\r\n"
        + b"\r\n--REPORT\r\nContent-Type: message/delivery-status\r\n\r\n"
        + b"Reporting-MTA: dns; mx.example.com\r\n\r\n"
        + b"Final-Recipient: rfc822; zhang.wei@example.com\r\nAction: failed\r\n"
        + b"Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        + b"\r\n--REPORT\r\nContent-Type: message/rfc822\r\n\r\n"
        + original
        + b"\r\n--REPORT--\r\n"
    )


def _headers_only(original: bytes) -> bytes:
    """A report that returns only the original's headers (text/rfc822-headers)."""
    headers = original.split(b"\n\n", 1)[0].replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return (
        head(
            From=b"postmaster@mail.example.net",
            Subject=b"Delivery Status Notification (Failure)",
            Content_Type=b'multipart/report; report-type=delivery-status; boundary="R2"',
        )
        + b"\r\n--R2\r\nContent-Type: text/plain\r\n\r\nDelivery has failed.\r\n"
        + b"--R2\r\nContent-Type: message/delivery-status\r\n\r\n"
        + b"Reporting-MTA: dns; mail.example.net\r\n\r\n"
        + b"Final-Recipient: rfc822; zhang.wei@example.com\r\nAction: failed\r\n"
        + b"Status: 5.2.2\r\n"
        + b"\r\n--R2\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        + headers
        + b"\r\n--R2--\r\n"
    )


def _plain_notice(original: bytes, message_id: str) -> bytes:
    """A Chinese mail server's bounce: plain GBK text from the postmaster naming the
    original's Message-ID, no report structure, no Auto-Submitted."""
    text = (
        "很抱歉,您的邮件未能送达以下收件人:zhang.wei@example.com\r\n"
        "原因:收件人邮箱已满。\r\n"
        f"原邮件 Message-ID:<{message_id}>\r\n"
    )
    return (
        head(
            From=encoded_word("系统退信") + b" <PostMaster@mail.example.cn>",
            Subject=encoded_word("退信通知"),
            Content_Type=b"text/plain; charset=gb2312",
            Content_Transfer_Encoding=b"base64",
        )
        + b"\r\n"
        + base64.b64encode(text.encode("gbk"))
    )


@pytest.mark.parametrize("form", ["report", "headers", "plain"])
def test_a_bounce_of_our_acknowledgement_is_kept_with_its_ticket_and_flagged(
    form, mail_world, imap, smtp, poll
):
    ticket, ack = _first_ticket(imap, poll, smtp)
    ack_bytes = ack.as_bytes()
    ack_id = ack["Message-ID"].strip("<>")
    bounce = {
        "report": lambda: _report(ack_bytes),
        "headers": lambda: _headers_only(ack_bytes),
        "plain": lambda: _plain_notice(ack_bytes, ack_id),
    }[form]()
    imap.append(bounce)
    poll()
    stored = InboundMail.objects.exclude(message_id="first@example.com").get()
    assert stored.ticket == ticket and stored.status == InboundStatus.AUTOMATED
    assert stored.attention and stored.automated
    assert ADDRESS in stored.error
    # Never a new ticket, a customer reply, or an answer to the mail server.
    assert Ticket.objects.count() == 1
    assert not ticket.events.filter(kind=EventKind.CUSTOMER_REPLY).exists()
    assert len(smtp.messages) == 1
    assert OutboundMail.objects.get().kind == OutboundKind.ACK
    note = ticket.events.get(kind=EventKind.COMMENT, body__startswith="退信")
    assert not note.public and ADDRESS in note.body
    assert notes_for(stored.pk) == 1
    assert Notification.objects.get(kind="mail").user == mail_world.assistant


def test_a_bounce_of_mail_that_is_not_ours_makes_nothing(mail_world, imap, smtp, poll):
    other = mail(message_id="<someone-else@example.org>", sender="x@example.org")
    imap.append(_report(other))
    poll()
    stored = InboundMail.objects.get()
    assert stored.status == InboundStatus.AUTOMATED and stored.ticket is None
    assert not stored.attention and not Ticket.objects.exists() and smtp.messages == []


def test_a_delay_warning_is_not_a_bounce(mail_world, imap, smtp, poll):
    ticket, ack = _first_ticket(imap, poll, smtp)
    delayed = _report(ack.as_bytes()).replace(b"Action: failed", b"Action: delayed")
    imap.append(delayed)
    poll()
    stored = InboundMail.objects.exclude(message_id="first@example.com").get()
    assert stored.status == InboundStatus.AUTOMATED and not stored.attention
    assert stored.ticket == ticket  # kept with the ticket, but nothing was lost
    assert Ticket.objects.count() == 1 and len(smtp.messages) == 1


# ------------------------------------------------------------------- inline, no file name


def test_inline_images_without_a_file_name_are_kept_by_their_type(mail_world, imap, smtp, poll):
    """Pasted screenshots: multipart/related, a Content-ID, no name anywhere."""
    raw = (
        head(
            From=b"zhang.wei@example.com",
            Subject=encoded_word("墙皮脱落(见图)"),
            Content_Type=b'multipart/related; boundary="REL"',
        )
        + b"\r\n--REL\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + '<p>客厅墙皮脱落:</p><img src="cid:one"><img src="cid:two">'.encode()
        + b"\r\n--REL\r\nContent-Type: image/png\r\nContent-ID: <one>\r\n"
        + b"Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(PNG)
        + b"\r\n--REL\r\nContent-Type: image/jpeg\r\nContent-ID: <two>\r\n"
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(JPEG)
        + b"\r\n--REL--\r\n"
    )
    imap.append(raw)
    poll()
    ticket = Ticket.objects.get()
    assert sorted(a.name for a in ticket.attachments.all()) == ["image-1.png", "image-2.jpg"]
    assert sorted(a.content_type for a in ticket.attachments.all()) == ["image/jpeg", "image/png"]
    stored = InboundMail.objects.get()
    assert not stored.attention and stored.problems == []
    assert len(smtp.to(ADDRESS)) == 1


# -------------------------------------------------------------- flagged mail is announced


def test_a_mail_too_large_to_download_notifies_the_assistants_of_its_community(
    mail_world, imap, smtp, poll, settings, assistant_b
):
    settings.MAIL_MAX_MB = 1
    imap.append(mail(attachments=[("a.pdf", b"%PDF-" + b"1" * 2_000_000, "application", "pdf")]))
    poll()
    stored = InboundMail.objects.get()
    assert stored.status == InboundStatus.TOO_LARGE and stored.attention
    assert stored.community == mail_world.a and stored.resident == mail_world.resident_a
    [note] = Notification.objects.filter(kind="mail")
    assert note.user == mail_world.assistant and note.link == f"/mail/{stored.pk}/"
    assert not Notification.objects.filter(user=assistant_b).exists()


def test_a_too_large_mail_from_a_stranger_notifies_every_assistant(
    mail_world, imap, smtp, poll, settings, assistant_b
):
    settings.MAIL_MAX_MB = 1
    imap.append(
        mail(
            sender="nobody@example.org",
            attachments=[("a.pdf", b"%PDF-" + b"1" * 2_000_000, "application", "pdf")],
        )
    )
    poll()
    stored = InboundMail.objects.get()
    assert stored.community is None
    users = set(Notification.objects.filter(kind="mail").values_list("user", flat=True))
    assert users == {mail_world.assistant.pk, assistant_b.pk}


def test_each_flagged_mail_notifies_once_and_a_normal_one_not_at_all(
    mail_world, imap, smtp, poll, settings
):
    from wuyedesk.mailbox.services import mail_retry

    broken = (
        head(From=b"zhang.wei@example.com", Subject=b"broken", Message_ID=b"<broken@e.x>")
        + b"Content-Type: multipart/mixed\r\n\r\nno boundary\r\n"
    )
    imap.append(broken)
    imap.append(mail(sender="stranger@example.org", subject="陌生人"))
    imap.append(mail(subject="正常来信"))
    poll()
    flagged = InboundMail.objects.filter(attention=True)
    assert flagged.count() == 2
    assert all(notes_for(m.pk) == 1 for m in flagged)
    assert Notification.objects.filter(kind="mail").count() == 2
    # Processing a flagged mail again (still broken) does not announce it again.
    unparsed = InboundMail.objects.get(status=InboundStatus.UNPARSED)
    mail_retry(by=mail_world.assistant, mail=unparsed)
    unparsed.refresh_from_db()
    assert unparsed.attempts == 2 and unparsed.attention
    assert notes_for(unparsed.pk) == 1
