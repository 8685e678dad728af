"""Improvements' reaction to the service desk (tickets.signals), connected at start-up
(core/appconfig.py): a complaint's corrective measure becomes an item of the one list; and
every write to an item or a measure (whose state is the item's) bumps the items' version
(selectors.VERSION)."""

from django.dispatch import receiver

from wuyedesk.core import versions
from wuyedesk.improvements.models import ImprovementItem
from wuyedesk.improvements.selectors import VERSION
from wuyedesk.improvements.services import item_from_measure
from wuyedesk.tickets import signals
from wuyedesk.tickets.models import CorrectiveMeasure

versions.bump_on_change(VERSION, ImprovementItem, CorrectiveMeasure)


@receiver(signals.measure_recorded, dispatch_uid="improvements.measure")
def keep_the_measure(sender, *, measure, by, **kwargs):
    item_from_measure(measure=measure, by=by)
