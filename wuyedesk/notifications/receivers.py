"""Notifications' reactions to the service desk (tickets.signals), to policy documents
(policies.signals), the archive (archive.signals) and training (training.signals), connected
at start-up (core/appconfig.py): none of them imports this app."""

from django.dispatch import receiver

from wuyedesk.archive import signals as archive_signals
from wuyedesk.notifications import residents
from wuyedesk.notifications.services import notify
from wuyedesk.policies import signals as policy_signals
from wuyedesk.tickets import signals
from wuyedesk.training import signals as training_signals


@receiver(signals.ticket_event_recorded, dispatch_uid="notifications.ticket_event")
def tell_the_resident(sender, *, event, **kwargs):
    residents.queue_ticket_event(event)


@receiver(signals.staff_notice, dispatch_uid="notifications.staff_notice")
def tell_the_staff(sender, *, users, kind, text, link="", key="", email=False, **kwargs):
    notify(users=users, kind=kind, text=text, link=link, key=key, email=email)


@receiver(policy_signals.policy_notice, dispatch_uid="notifications.policy_notice")
def tell_the_staff_of_a_policy(sender, *, users, kind, text, link="", key="", **kwargs):
    notify(users=users, kind=kind, text=text, link=link, key=key)


@receiver(archive_signals.archive_notice, dispatch_uid="notifications.archive_notice")
def tell_the_keeper(sender, *, users, kind, text, link="", key="", **kwargs):
    notify(users=users, kind=kind, text=text, link=link, key=key)


@receiver(training_signals.training_notice, dispatch_uid="notifications.training_notice")
def tell_the_staff_of_training(sender, *, users, kind, text, link="", key="", **kwargs):
    notify(users=users, kind=kind, text=text, link=link, key=key)
