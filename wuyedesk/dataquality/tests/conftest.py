import pytest

from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)


@pytest.fixture
def twins(world, call):  # noqa: F811
    """张伟 entered twice: a second record with the same phone in the same room, each record
    with a ticket and its occupancy."""
    from wuyedesk.testing import make_resident

    twin = make_resident(world.rooms_a[0], name="张伟", phone="13812345678", role="family")
    first = call(resident=world.resident_a)
    second = call(resident=twin)
    return world.resident_a, twin, first, second
