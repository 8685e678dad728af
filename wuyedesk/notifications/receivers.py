"""Notifications' reactions to the service desk (tickets.signals), connected at start-up
(core/appconfig.py): tickets never imports this app."""

from django.dispatch import receiver

from wuyedesk.notifications import residents
from wuyedesk.notifications.services import notify
from wuyedesk.tickets import signals


@receiver(signals.ticket_event_recorded, dispatch_uid="notifications.ticket_event")
def tell_the_resident(sender, *, event, **kwargs):
    residents.queue_ticket_event(event)


@receiver(signals.staff_notice, dispatch_uid="notifications.staff_notice")
def tell_the_staff(sender, *, users, kind, text, link="", key="", email=False, **kwargs):
    notify(users=users, kind=kind, text=text, link=link, key=key, email=email)
