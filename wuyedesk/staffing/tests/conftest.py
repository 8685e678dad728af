import datetime as dt

import pytest
from django.utils import timezone


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


@pytest.fixture
def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def day_shift(world):
    from wuyedesk.staffing.services import shift_save

    return shift_save(by=world.manager, name="白班", start=dt.time(9), end=dt.time(17))


@pytest.fixture
def night_shift(world):
    from wuyedesk.staffing.services import shift_save

    return shift_save(by=world.manager, name="夜班", start=dt.time(22), end=dt.time(6))


@pytest.fixture
def rostered(world, day_shift):
    """rostered(user, day, duty="counter", shift=None, community=world.a) -> the entry."""
    from wuyedesk.staffing.services import roster_add

    def make(user, day, duty="counter", shift=None, community="a"):
        return roster_add(
            by=world.manager,
            user=user,
            date=day,
            shift=shift or day_shift,
            duty=duty,
            community=world.a if community == "a" else community,
        )

    return make
