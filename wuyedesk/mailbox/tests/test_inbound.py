"""The inbound engine without IMAP: claims, loops, contact time."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from wuyedesk.lib.text import CONTROL
from wuyedesk.mailbox import inbound
from wuyedesk.mailbox.choices import InboundStatus
from wuyedesk.mailbox.models import InboundMail
from wuyedesk.mailbox.tests.mails import mail
from wuyedesk.tickets.models import Ticket


def test_two_pollers_storing_and_processing_one_mail_act_once(mail_world, smtp, deliver):
    raw = mail()
    first = deliver(raw)
    assert inbound.store(raw) is None  # the second poller's claim fails
    inbound.process(first)  # and processing a finished mail again does nothing
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 1
    assert len(smtp.messages) == 1


def test_our_own_mail_coming_back_makes_nothing(mail_world, smtp, deliver, settings):
    settings.MAIL_FROM = "kefu@test.example"
    got = deliver(mail(sender="kefu@test.example"))
    assert got.status == InboundStatus.AUTOMATED
    assert not Ticket.objects.exists() and smtp.messages == []


def test_contact_time_is_the_mail_date_bounded_by_now(mail_world, smtp, deliver):
    sent = timezone.now() - dt.timedelta(hours=3)
    deliver(mail(date=sent))
    assert abs(Ticket.objects.get().contact_at - sent) < dt.timedelta(seconds=1)
    deliver(mail(date=timezone.now() + dt.timedelta(days=2), subject="未来"))
    assert Ticket.objects.get(title="未来").contact_at <= timezone.now()


def test_ambiguous_address_is_an_unknown_sender(mail_world, smtp, deliver):
    mail_world.resident_b.email = "zhang.wei@example.com"
    mail_world.resident_b.save(update_fields=["email"])
    got = deliver(mail())
    assert got.resident is None and got.status == InboundStatus.NEEDS_LINKING


def test_processing_error_is_kept_and_flagged(mail_world, smtp, deliver, categories):
    categories["OTHER"].__class__.objects.update(active=False)  # no category to file under
    got = deliver(mail())
    assert got.status == InboundStatus.ERROR and got.attention and got.error
    assert not Ticket.objects.exists()


def test_assistants_are_told_of_mail_that_needs_them(mail_world, smtp, deliver, settings):
    from wuyedesk.notifications.models import Notification

    settings.MAIL_DEFAULT_COMMUNITY = "A"
    got = deliver(mail(sender="new.owner@example.org"))
    [note] = Notification.objects.filter(kind="mail")
    assert note.user == mail_world.assistant and note.link == f"/mail/{got.pk}/"
    deliver(mail(subject="正常来信"))  # a known resident: nobody is bothered
    assert Notification.objects.filter(kind="mail").count() == 1


def test_control_characters_in_a_mail_are_removed_before_anything_is_stored(
    mail_world, smtp, deliver
):
    """Strangers' mail is text as nobody typed it: a NUL cannot be stored by PostgreSQL (the
    mail would fail on every retry) and ESC sequences repaint a terminal (lib/text.py). They
    are removed from the subject, sender name and body; tab and newline stay (#11 point 13)."""
    raw = mail(subject="卫生间漏水", text="楼上漏水\t到我家卫生间。\n请派人看看。")
    raw = raw.replace(b"Subject: ", b"Subject: \x1b[31m", 1)
    raw = re.sub(rb"From: [^\r\n]*", b"From: Zhang\x07Wei <zhang.wei@example.com>", raw, count=1)
    raw = raw.replace("楼上漏水".encode(), "楼上\x00漏水\x1b[0m".encode(), 1)
    if b"Content-Transfer-Encoding: base64" in raw:
        pytest.skip("the helper encoded the body")

    got = deliver(raw)

    ticket = Ticket.objects.get()
    stored = [got.subject, got.from_name, ticket.title, ticket.description]
    assert not any(CONTROL.search(value) for value in stored), stored
    assert ticket.title == "[31m卫生间漏水"
    assert "楼上漏水[0m\t到我家卫生间。\n请派人看看。" in ticket.description


def test_a_mail_that_cannot_be_parsed_keeps_its_subject_without_control_characters(
    mail_world, smtp, deliver
):
    raw = (
        b"From: nobody\r\nSubject: \x00\x1b[2Jhello\x07 there\r\n"
        b"Message-ID: <x1@example.com>\r\n\r\nbody"
    )

    got = deliver(raw)

    assert got.status == InboundStatus.UNPARSED
    assert got.subject == "[2Jhello there" and not CONTROL.search(got.from_name)
