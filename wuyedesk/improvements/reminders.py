"""Deadline reminders of improvement items (SUR-3): a reminder to the owner
`policy().improvement_reminder_days` before the due date, and a notice to the manager once
the item is overdue — each once per due date.

Safe with any number of workers: each notice is claimed with a conditional UPDATE
(`reminded_for`/`overdue_notified_for` set to the due date it is for); only the worker whose
UPDATE changed the row notifies. Moving the due date clears both, so the new date is
reminded again.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.improvements.choices import ACTIVE_STATUSES
from wuyedesk.improvements.models import ImprovementItem
from wuyedesk.improvements.selectors import with_status
from wuyedesk.notifications.services import notify
from wuyedesk.policies.services import policy
from wuyedesk.tickets.services import managers_of

log = logging.getLogger(__name__)


def _recipients_for_reminder(item):
    if item.owner_id:
        return [item.owner]

    return list(
        User.objects.filter(
            staff__department_id=item.department_id, staff__archived_at__isnull=True, is_active=True
        )
    )


def _managers(item):
    if item.community_id:
        return managers_of(item.community_id)
    return list(
        User.objects.filter(
            staff__posts__post=Post.MANAGER, staff__archived_at__isnull=True, is_active=True
        ).distinct()
    )


def sweep(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=policy().improvement_reminder_days)
    active = with_status(ImprovementItem.objects.select_related("owner")).filter(
        status_now__in=ACTIVE_STATUSES
    )
    reminded = overdue = 0

    not_reminded = Q(reminded_for__isnull=True) | ~Q(reminded_for=F("due"))
    for item in active.filter(not_reminded, due__gte=today, due__lte=soon):
        claimed = ImprovementItem.objects.filter(not_reminded, pk=item.pk, due=item.due).update(
            reminded_for=item.due
        )
        if not claimed:
            continue
        notify(
            users=_recipients_for_reminder(item),
            kind="improvement_due",
            text=_("改进事项将于 %(due)s 到期:%(title)s") % {"due": item.due, "title": item.title},
            link=reverse("improvement_detail", kwargs={"pk": item.pk}),
            key=f"improvement_due:{item.pk}:{item.due.isoformat()}",
        )
        reminded += 1

    not_notified = Q(overdue_notified_for__isnull=True) | ~Q(overdue_notified_for=F("due"))
    for item in active.filter(not_notified, due__lt=today):
        with transaction.atomic():
            claimed = ImprovementItem.objects.filter(not_notified, pk=item.pk, due=item.due).update(
                overdue_notified_for=item.due
            )
            if not claimed:
                continue
            managers = _managers(item)
            text = _("改进事项已逾期(期限 %(due)s):%(title)s") % {
                "due": item.due,
                "title": item.title,
            }
            link = reverse("improvement_detail", kwargs={"pk": item.pk})
            key = f"improvement_overdue:{item.pk}:{item.due.isoformat()}"
            transaction.on_commit(
                lambda m=managers, t=text, lk=link, k=key: notify(
                    users=m, kind="improvement_overdue", text=t, link=lk, key=k, email=True
                )
            )
            overdue += 1
    if reminded or overdue:
        log.info("improvement sweep: %s reminders, %s overdue", reminded, overdue)
    return {"reminded": reminded, "overdue": overdue}
