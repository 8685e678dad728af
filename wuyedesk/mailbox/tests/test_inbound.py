"""The inbound engine without IMAP: claims, loops, contact time."""

import datetime as dt

from django.utils import timezone

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
