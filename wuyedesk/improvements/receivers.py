"""Improvements' reaction to the service desk (tickets.signals), connected at start-up
(core/appconfig.py): a complaint's corrective measure becomes an item of the one list."""

from django.dispatch import receiver

from wuyedesk.improvements.services import item_from_measure
from wuyedesk.tickets import signals


@receiver(signals.measure_recorded, dispatch_uid="improvements.measure")
def keep_the_measure(sender, *, measure, by, **kwargs):
    item_from_measure(measure=measure, by=by)
