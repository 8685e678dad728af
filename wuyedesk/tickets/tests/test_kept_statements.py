"""core/kept.py: a kept statement gives what the ORM gives for the same queryset, compiled
once per connection, with each call's own arguments."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from wuyedesk.core import kept
from wuyedesk.properties.models import Room
from wuyedesk.tickets.models import Category, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _room(pk):
    return kept.first(
        "test-room",
        lambda pk: Room.objects.select_related("community", "unit__building").filter(
            pk=pk, archived_at__isnull=True
        ),
        pk,
    )


def test_model_rows_equal_the_orm_with_their_related_rows(world):
    for expected in world.rooms_a[:2] + world.rooms_b[:1]:
        found = _room(expected.pk)
        orm = Room.objects.select_related("community", "unit__building").get(pk=expected.pk)
        assert found == orm
        assert found.__dict__.keys() >= {"id", "number", "created_at", "community_id"}
        assert {k: v for k, v in found.__dict__.items() if k != "_state"} == {
            k: v for k, v in orm.__dict__.items() if k != "_state"
        }
        assert found.created_at.tzinfo is not None  # converted as the ORM converts
        with CaptureQueriesContext(connection) as queries:
            assert found.community == orm.community
            assert found.unit.building == orm.unit.building
        assert len(queries) == 0  # the related rows came with it
        assert found._state.adding is False


def test_compiled_once_and_run_with_each_calls_arguments(world):
    first, second = world.rooms_a[0], world.rooms_a[1]
    _room(first.pk)
    statements = dict(connections["default"].__dict__["_wuyedesk_kept"])
    with CaptureQueriesContext(connection) as queries:
        assert _room(second.pk).pk == second.pk
        assert _room(first.pk).pk == first.pk
        assert _room(10**9) is None
    assert len(queries) == 3
    assert connections["default"].__dict__["_wuyedesk_kept"] == statements  # none compiled again


def test_constants_of_the_queryset_stay(world):
    archived = world.rooms_a[2]
    Room.objects.filter(pk=archived.pk).update(archived_at=archived.created_at)
    assert _room(archived.pk) is None  # archived_at IS NULL is part of the statement
    inactive = Category.objects.create(code="test-off", name="停用", active=False)
    found = kept.first(
        "test-active", lambda pk: Category.objects.filter(pk=pk, active=True), inactive.pk
    )
    assert found is None


def test_values_rows_and_lists_of_ids(world, call):
    tickets = [call(), call(), call()]
    ids = [t.pk for t in tickets]

    def rows(ids):
        return kept.fetch(
            "test-values",
            lambda ids: Ticket.objects.filter(id__in=ids).order_by("id").values("id", "number"),
            ids,
        )

    assert rows(ids) == [{"id": t.pk, "number": t.number} for t in tickets]
    assert rows([ids[2], ids[0], ids[0]]) == [
        {"id": tickets[0].pk, "number": tickets[0].number},
        {"id": tickets[2].pk, "number": tickets[2].number},
    ]


def test_annotations_come_with_the_instance(categories):
    parent = Category.objects.filter(parent__isnull=True, children__isnull=False).first()
    leaf = Category.objects.filter(parent__isnull=False).first()
    from wuyedesk.tickets.categories import active_category

    assert active_category(parent.pk).has_children is True
    assert active_category(leaf.pk).has_children is False
    assert active_category(leaf.pk).parent == leaf.parent


def test_bad_statements_are_refused():
    with pytest.raises(TypeError):
        kept.fetch("test-float", lambda x: Room.objects.filter(pk=x), 1.5)
    with pytest.raises(ValueError, match="does not use"):
        kept.fetch("test-unused", lambda x: Room.objects.all(), 1)
    with pytest.raises(ValueError, match="values"):
        kept.fetch("test-flat", lambda x: Room.objects.filter(pk=x).values_list("id"), 1)


def test_insert_writes_the_row_as_save_would(world, call):
    ticket = call()
    event = TicketEvent(ticket=ticket, kind="comment", actor=world.specialist, body="备注")
    event.data = {"k": "值"}
    kept.insert(event)
    assert event.pk is not None
    assert event._state.adding is False
    stored = TicketEvent.objects.get(pk=event.pk)
    assert (stored.ticket_id, stored.body, stored.data) == (ticket.pk, "备注", {"k": "值"})
    assert stored.at == event.at


def test_insert_refuses_models_whose_save_does_more(world):
    from django.db.models.signals import post_save

    def listener(**kwargs):
        pass

    post_save.connect(listener, sender=Room)
    try:
        with pytest.raises(ValueError, match="more than one INSERT"):
            kept.insert(Room(unit=world.rooms_a[0].unit, community=world.a, number="X"))
    finally:
        post_save.disconnect(listener, sender=Room)


@pytest.mark.django_db(transaction=True)
def test_a_new_database_session_gets_the_statement_again(world):
    """On PostgreSQL the statement is PREPAREd per session: a connection that was closed
    (CONN_MAX_AGE) and opened again must prepare it again."""
    room = world.rooms_a[0]
    assert _room(room.pk).pk == room.pk
    connection.close()
    assert _room(room.pk).pk == room.pk


def test_an_id_beyond_any_key_finds_nothing(world):
    assert _room(2**70) is None
    assert _room(-(2**70)) is None
    assert kept.fetch("test-ids", lambda ids: Room.objects.filter(id__in=ids), [1, 2**64]) == []


@pytest.mark.django_db(transaction=True)
def test_each_thread_keeps_its_own_statements(world):
    """Threads have connections (sessions) of their own: one thread's statement, prepared
    on its session, is prepared again on another's, and used again on its own, in turns."""
    import threading

    room = world.rooms_a[0]
    turns = [threading.Event() for _ in range(3)]
    found, errors = [], []

    def run(my_turns):
        try:
            for turn in my_turns:
                turns[turn].wait(10)
                found.append(_room(room.pk).pk)
                if turn + 1 < len(turns):
                    turns[turn + 1].set()
        except Exception as error:
            errors.append(error)
            for event in turns:
                event.set()
        finally:
            connection.close()

    first = threading.Thread(target=run, args=([0, 2],))
    second = threading.Thread(target=run, args=([1],))
    first.start()
    second.start()
    turns[0].set()
    first.join(20)
    second.join(20)
    assert errors == []
    assert found == [room.pk] * 3


def test_an_argument_used_twice_takes_each_calls_value(world):
    def either(pk):
        return kept.fetch("test-twice", lambda pk: Room.objects.filter(pk=pk).filter(id=pk), pk)

    first, second = world.rooms_a[0], world.rooms_a[1]
    assert [r.pk for r in either(first.pk)] == [first.pk]
    assert [r.pk for r in either(second.pk)] == [second.pk]
