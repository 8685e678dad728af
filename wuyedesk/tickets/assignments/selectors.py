"""Who sees which tasks from superiors (SPE-5): the person given one and the person who gave it.
Who may be given one is tickets.selectors.task_assignees_for (improvements' owners too)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from wuyedesk.tickets.models import Task

# The version every write to a task bumps (tickets/receivers.py; task_done's claim bumps it
# itself), under which the specialist's home keeps its count of tasks (web/home.py).
VERSION = "tasks"


def open_tasks_of(user):
    """SPE-5: the tasks a person still has to do, soonest due first."""
    return (
        Task.objects.filter(assignee=user, done_at__isnull=True)
        .select_related("created_by__staff", "ticket")
        .order_by("due", "id")
    )


def tasks_given_by(user):
    return Task.objects.filter(created_by=user).select_related("assignee__staff", "ticket")


def tasks_of(user, scope: str = "all"):
    """A task is seen by the person who does it ("mine") and the person who gave it ("given")."""
    given_to, given_by = Q(assignee=user), Q(created_by=user)
    condition = {"mine": given_to, "given": given_by}.get(scope, given_to | given_by)
    return Task.objects.filter(condition).select_related(
        "assignee__staff", "created_by__staff", "ticket"
    )


def task_get_for_user(user, pk):
    return get_object_or_404(tasks_of(user), pk=pk)
