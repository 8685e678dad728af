"""Tasks from superiors (SPE-5, AST-5): the manager or the assistant gives a staff member a task
with a deadline.

Not in tasks.py: that module is huey's periodic-task module.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import community_ids, has_post, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.core import versions
from wuyedesk.lib.messages import Msg
from wuyedesk.tickets.assignments import selectors
from wuyedesk.tickets.models import Task
from wuyedesk.tickets.signals import notify_staff

TASK_GIVERS = (Post.MANAGER, Post.ASSISTANT)
# A deadline a little in the past is a typo or a slow form, not a task already late.
DUE_SKEW = dt.timedelta(minutes=5)


def may_give_tasks(user) -> bool:
    return has_post(user, *TASK_GIVERS)


def _shares_a_community(giver, assignee) -> bool:
    mine = community_ids(giver)
    staff = staff_of(assignee)
    if staff is None:
        return False
    if mine is None:
        return True
    return staff.communities.filter(id__in=mine).exists()


@transaction.atomic
def task_create(*, by, assignee, title: str, due, description: str = "", ticket=None) -> Task:
    """Give `assignee` a task; they are notified and see it at the top of My work."""
    if not may_give_tasks(by):
        raise PermissionDenied
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ValidationError(_("请填写任务内容。"), code="required")
    if assignee is None or not _shares_a_community(by, assignee):
        errors["assignee"] = ValidationError(_("只能交办给本小区的员工。"), code="invalid")
    if due is None:
        errors["due"] = ValidationError(_("请填写期限。"), code="required")
    elif due < timezone.now() - DUE_SKEW:
        errors["due"] = ValidationError(_("期限不能早于现在。"), code="invalid")
    mine = community_ids(by)
    if ticket is not None and mine is not None and ticket.community_id not in mine:
        errors["ticket"] = ValidationError(_("工单不在您负责的小区。"), code="invalid")
    if errors:
        raise ValidationError(errors)
    task = Task(
        title=title[:120],
        description=description or "",
        assignee=assignee,
        due=due,
        created_by=by,
        ticket=ticket,
    )
    task.full_clean()
    task.save()
    text = Msg(gettext_noop("新任务:%(title)s"), title=task.title)
    link = reverse("ticket_queue") + "?queue=mine"
    transaction.on_commit(
        lambda: notify_staff(
            users=[assignee], kind="task", text=text, link=link, key=f"task:{task.pk}"
        )
    )
    return task


@transaction.atomic
def task_done(*, by, task: Task, result: str = "") -> Task:
    """The assignee reports the task done. Done once: a second report changes nothing."""
    if by.pk != task.assignee_id:
        raise PermissionDenied
    now = timezone.now()
    claimed = Task.objects.filter(pk=task.pk, done_at__isnull=True).update(
        done_at=now, result=result or ""
    )
    if not claimed:
        raise ValidationError(_("该任务已完成。"), code="invalid_state")
    versions.bump(selectors.VERSION)  # an update sends no signal
    task.done_at, task.result = now, result or ""
    text = Msg(gettext_noop("任务已完成:%(title)s"), title=task.title)
    giver = task.created_by
    transaction.on_commit(
        lambda: notify_staff(
            users=[giver],
            kind="task_done",
            text=text,
            link=reverse("task_list"),
            key=f"task_done:{task.pk}",
        )
    )
    return task
