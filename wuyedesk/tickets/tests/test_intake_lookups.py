"""The lookups intake makes for every ticket created (a room, building or community by id,
the category): one query each, with their related rows, and nothing for an id that names
nothing usable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.properties.models import Community, Room
from wuyedesk.properties.selectors import usable
from wuyedesk.tickets.categories import active_category
from wuyedesk.tickets.models import Category

pytestmark = pytest.mark.django_db


def test_usable_reads_the_row_with_its_related_rows_in_one_query(world):
    room = world.rooms_a[0]
    usable(world.specialist, Room, room.pk)  # the specialist's scope, cached from here on
    with CaptureQueriesContext(connection) as queries:
        found = usable(world.specialist, Room, room.pk, "community", "unit__building")
        assert found == room
        assert found.community.pk == world.a.pk
        assert found.unit.building.pk == room.unit.building_id
    assert len(queries) == 1


def test_usable_finds_nothing_archived_out_of_scope_or_beyond_any_key(world):
    archived = world.rooms_a[2]
    Room.objects.filter(pk=archived.pk).update(archived_at=archived.created_at)
    assert usable(world.specialist, Room, archived.pk) is None
    assert usable(world.specialist, Room, world.rooms_b[0].pk) is None  # another community
    assert usable(world.specialist, Community, world.b.pk) is None
    assert usable(world.specialist, Community, world.a.pk) == world.a
    assert usable(world.specialist, Room, 2**70) is None
    assert usable(world.specialist, Room, -(2**70)) is None


def test_active_category_comes_with_its_parent_and_whether_it_has_children(categories):
    parent = Category.objects.filter(parent__isnull=True, children__isnull=False).first()
    leaf = Category.objects.filter(parent__isnull=False).first()
    with CaptureQueriesContext(connection) as queries:
        assert active_category(parent.pk).has_children is True
        found = active_category(leaf.pk)
        assert found.has_children is False and found.parent.pk == leaf.parent_id
    assert len(queries) == 2
    inactive = Category.objects.create(code="test-off", name="停用", active=False)
    assert active_category(inactive.pk) is None
    assert active_category(2**70) is None
