import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)
from wuyedesk.workplans import periods


@pytest.fixture
def last_month():
    """(first, last) day of the month before this one: the fixture month."""
    return periods.previous(periods.MONTH, timezone.localdate())


@pytest.fixture
def month_tickets(world, call, categories, last_month):  # noqa: F811
    """Tickets of the fixture month in community A (an answered inquiry, an open one, a
    complaint) and one of B; plus one of this month."""
    tz = timezone.get_current_timezone()
    start, _end = last_month

    def at(day, hour=10):
        return dt.datetime.combine(start + dt.timedelta(days=day), dt.time(hour), tzinfo=tz)

    made = [
        call(answer="已答复", contact_at=at(2)),
        call(contact_at=at(3)),
        call(kind="complaint", category=categories["ATTITUDE"], contact_at=at(4)),
        call(kind="repair", contact_at=at(10)),
        call(
            room=world.rooms_b[0],
            resident=world.resident_b,
            by=world.specialist_b,
            contact_at=at(5),
        ),
        call(),
    ]
    return made
