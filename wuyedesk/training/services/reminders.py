"""Reminders of mandatory trainings due (MGT-5): the worker's daily job tells each person of
each mandatory course they have not passed (missing), whose renewal has passed (expired), or
whose renewal comes within `policy().training_reminder_days` (due soon); and each
department's organisers, once a week, how many are due among their people.

Each notice goes out once per key (notifications makes one per user and key): a person is
told once per course, state and expiry date, so a run on any number of workers, or twice a
day, tells nobody twice. Training cannot import notifications: it sends
`signals.training_notice`, which notifications' receiver turns into notices.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from wuyedesk.accounts.models import Staff, User
from wuyedesk.lib.messages import Msg
from wuyedesk.training import selectors, signals
from wuyedesk.training.choices import ORGANISERS, DueState

TEXTS = {
    DueState.MISSING: gettext_noop("必修培训「%(course)s」尚未完成,请参加培训。"),
    DueState.EXPIRED: gettext_noop("必修培训「%(course)s」已于 %(date)s 过期,请尽快复训。"),
    DueState.DUE_SOON: gettext_noop("必修培训「%(course)s」将于 %(date)s 到期,请安排复训。"),
}


@transaction.atomic
def remind_due(today: dt.date | None = None) -> int:
    """Send the reminders of today; returns how many items were due."""
    today = today or timezone.localdate()
    staff = list(
        Staff.objects.filter(archived_at__isnull=True, user__is_active=True).select_related("user")
    )
    by_user = {s.user_id: s for s in staff}
    due = selectors.due_trainings(by_user, today=today)
    mine = reverse("training_due") + "?mine=1"
    for user_id, items in due.items():
        person = by_user[user_id]
        for item in items:
            date = item.expires_on.isoformat() if item.expires_on else ""
            signals.send_notice(
                users=[person.user],
                kind="training",
                text=Msg(TEXTS[DueState(item.state)], course=item.course_title, date=date),
                link=mine,
                key=f"training-due:{item.course_id}:{item.state}:{date}",
            )
    _tell_organisers(today)
    return sum(len(items) for items in due.values())


def _tell_organisers(today: dt.date) -> None:
    """Each organiser, once a week, of the trainings due among their people (the count of
    their list, /training/due/)."""
    year, week, _day = today.isocalendar()
    organisers = User.objects.filter(
        staff__posts__post__in=[str(p) for p in ORGANISERS],
        staff__archived_at__isnull=True,
        is_active=True,
    ).distinct()
    for user in organisers:
        count = len(selectors.due_for(user, today=today))
        if not count:
            continue
        signals.send_notice(
            users=[user],
            kind="training",
            text=Msg(gettext_noop("本部门有 %(count)s 项必修培训待完成。"), count=count),
            link=reverse("training_due"),
            key=f"training-due-department:{year}-{week}",
        )
