"""The deadlines engine: overdue once, notified once, even with two sweeps at once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from wuyedesk.notifications.models import Notification
from wuyedesk.tickets import sla
from wuyedesk.tickets.choices import EventKind


def test_sweep_25_hours_later_marks_overdue_and_notifies_the_manager_once(
    world, call, django_capture_on_commit_callbacks
):
    ticket = call()
    later = timezone.now() + dt.timedelta(hours=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert sla.sweep(now=later)["overdue"] == 1
        assert sla.sweep(now=later + dt.timedelta(minutes=1))["overdue"] == 0
    ticket.refresh_from_db()
    assert ticket.overdue_since == later
    assert Notification.objects.filter(user=world.manager, kind="overdue").count() == 1
    assert ticket.events.filter(kind=EventKind.DEADLINE_MISSED).count() == 1


def test_reminder_before_the_deadline_goes_to_the_owner_once(world, call):
    call()
    soon = timezone.now() + dt.timedelta(hours=23)
    assert sla.sweep(now=soon)["reminded"] == 1
    assert sla.sweep(now=soon)["reminded"] == 0
    assert Notification.objects.filter(user=world.specialist, kind="due_soon").count() == 1


def test_follow_up_in_time_stops_the_clock(world, call):
    from wuyedesk.tickets.services import ticket_follow_up

    ticket = call()
    ticket_follow_up(by=world.specialist, ticket=ticket, channel="phone", text="已联系")
    assert sla.sweep(now=timezone.now() + dt.timedelta(hours=25))["overdue"] == 0


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_started_together_notify_once(world, call):
    call()
    later = timezone.now() + dt.timedelta(hours=25)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            sla.sweep(now=later)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Notification.objects.filter(user=world.manager, kind="overdue").count() == 1
    assert world.manager.notifications.count() == 1
