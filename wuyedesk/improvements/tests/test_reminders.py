"""Deadline reminders (SUR-3): before the due date to the owner, overdue to the manager —
once each, however often and by however many workers the sweep runs."""

import datetime as dt

from django.utils import timezone

from wuyedesk.improvements import reminders, services
from wuyedesk.improvements.models import ImprovementItem
from wuyedesk.notifications.models import Notification
from wuyedesk.policies.services import policy


def test_reminder_before_due_once(world, item, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    days = policy().improvement_reminder_days
    ImprovementItem.objects.filter(pk=item.pk).update(due=today + dt.timedelta(days=days + 1))
    assert reminders.sweep(today) == {"reminded": 0, "overdue": 0}
    ImprovementItem.objects.filter(pk=item.pk).update(due=today + dt.timedelta(days=days))
    assert reminders.sweep(today)["reminded"] == 1
    assert reminders.sweep(today)["reminded"] == 0
    assert Notification.objects.filter(user=world.worker, kind="improvement_due").count() == 1


def test_overdue_to_the_manager_once_and_again_for_a_new_due_date(
    world, item, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    ImprovementItem.objects.filter(pk=item.pk).update(due=today - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.sweep(today)["overdue"] == 1
        assert reminders.sweep(today)["overdue"] == 0
    assert Notification.objects.filter(user=world.manager, kind="improvement_overdue").count() == 1
    # a new deadline, missed again: a new notice
    item.refresh_from_db()
    services.item_update(by=world.manager, item=item, due=today)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.sweep(today + dt.timedelta(days=1))["overdue"] == 1
    assert Notification.objects.filter(user=world.manager, kind="improvement_overdue").count() == 2


def test_done_items_are_not_reminded(world, item):
    services.item_progress(by=world.worker, item=item, text="完成", status="done")
    ImprovementItem.objects.filter(pk=item.pk).update(
        due=timezone.localdate() - dt.timedelta(days=1)
    )
    assert reminders.sweep() == {"reminded": 0, "overdue": 0}
