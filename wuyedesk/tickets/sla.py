"""The deadlines engine (issue #3 §7): reminders before a deadline, overdue after it.

Idempotent and safe with any number of workers: each notification is claimed with a
conditional UPDATE (as healthchecks' sendalerts does); only the worker whose UPDATE
changed the row acts, so every reminder and every overdue notice happens exactly once
per deadline.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from wuyedesk.accounts.models import User
from wuyedesk.lib.messages import Msg
from wuyedesk.policies.services import policy
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import Ticket, TicketEvent
from wuyedesk.tickets.services import managers_of
from wuyedesk.tickets.signals import notify_staff

log = logging.getLogger(__name__)


def _link(pk):
    return reverse("ticket_detail", kwargs={"pk": pk})


def sweep(now=None) -> dict:
    now = now or timezone.now()
    soon = now + dt.timedelta(minutes=policy().reminder_minutes)
    open_ = Ticket.objects.filter(closed_at__isnull=True, next_due__isnull=False)
    reminded = overdue = 0

    not_reminded = Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_due"))
    for pk, due, owner_id, number in open_.filter(
        not_reminded, next_due__gt=now, next_due__lte=soon
    ).values_list("pk", "next_due", "owner_id", "number"):
        claimed = Ticket.objects.filter(not_reminded, pk=pk, next_due=due).update(reminded_for=due)
        if claimed and owner_id:
            notify_staff(
                users=[User.objects.get(pk=owner_id)],
                kind="due_soon",
                text=Msg(gettext_noop("工单 %(number)s 即将到期"), number=number),
                link=_link(pk),
                key=f"due_soon:{pk}:{due.isoformat()}",
            )
            reminded += 1

    not_notified = Q(overdue_notified_for__isnull=True) | ~Q(overdue_notified_for=F("next_due"))
    overdue_ = Ticket.objects.overdue(now).filter(not_notified)
    for pk, due, community_id, number in overdue_.values_list(
        "pk", "next_due", "community_id", "number"
    ):
        with transaction.atomic():
            claimed = Ticket.objects.filter(not_notified, pk=pk, next_due=due).update(
                overdue_notified_for=due, overdue_since=now
            )
            if not claimed:
                continue
            TicketEvent.objects.create(
                ticket_id=pk, kind=EventKind.DEADLINE_MISSED, at=now, data={"due": due.isoformat()}
            )
            managers = managers_of(community_id)
            # A ticket both overdue and recorded late is one notice to the manager (CMP-1).
            late = Ticket.objects.filter(LATE_UNNOTIFIED, pk=pk).update(late_notified_at=now)
            if late:
                text = Msg(gettext_noop("工单 %(number)s 已超时,且登记迟于客户联系"), number=number)
            else:
                text = Msg(gettext_noop("工单 %(number)s 已超时"), number=number)
            transaction.on_commit(
                lambda m=managers, t=text, p=pk, d=due: notify_staff(
                    users=m,
                    kind="overdue",
                    text=t,
                    link=_link(p),
                    key=f"overdue:{p}:{d.isoformat()}",
                    email=True,
                )
            )
            overdue += 1
    late = _late_recorded(now)
    if reminded or overdue or late:
        log.info("sla sweep: %s reminders, %s overdue, %s late", reminded, overdue, late)
    return {"reminded": reminded, "overdue": overdue, "late": late}


# Recorded late (CMP-1) and the manager not yet told.
LATE_UNNOTIFIED = Q(recorded_late=True, late_notified_at__isnull=True)


def _late_recorded(now) -> int:
    """Tell the manager once of each open ticket recorded late, claimed as above."""
    told = 0
    rows = Ticket.objects.filter(LATE_UNNOTIFIED, closed_at__isnull=True).values_list(
        "pk", "community_id", "number"
    )
    for pk, community_id, number in rows:
        if not Ticket.objects.filter(LATE_UNNOTIFIED, pk=pk).update(late_notified_at=now):
            continue
        notify_staff(
            users=managers_of(community_id),
            kind="late_recorded",
            text=Msg(gettext_noop("工单 %(number)s 登记迟于客户联系"), number=number),
            link=_link(pk),
            key=f"late_recorded:{pk}",
            email=True,
        )
        told += 1
    return told
