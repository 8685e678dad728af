"""What every ticket service shares: who may act, the version check that refuses a lost
update, the timeline row, the clocks, the search text and the report to the manager."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import has_post, in_scope
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.core import versions
from wuyedesk.lib.messages import Msg
from wuyedesk.lib.search import index_text
from wuyedesk.policies import calendar
from wuyedesk.policies.choices import ClockStart
from wuyedesk.policies.services import policy
from wuyedesk.tickets import selectors
from wuyedesk.tickets.choices import (
    EventKind,
    Kind,
    Severity,
    Status,
)
from wuyedesk.tickets.models import (
    Ticket,
    TicketEvent,
)
from wuyedesk.tickets.signals import notify_staff, ticket_event_recorded

# A ticket's foreign keys: the services receive these rows already looked up and scoped.
RELATED_FIELDS = [
    "category",
    "community",
    "building",
    "room",
    "resident",
    "created_by",
    "owner",
    "department",
    "incident",
    "merged_into",
]
INTAKE_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER, Post.ADMIN)
DESK_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER)
MANAGER_POSTS = (Post.MANAGER,)
# How far in the future a "time the customer made contact" may lie (clock skew of phones).
CONTACT_SKEW = dt.timedelta(minutes=5)


class TicketConflict(Exception):
    """The ticket changed since the person loaded it: reload and try again."""


def _invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def _event(ticket, kind, by, body="", *, public=False, channel="", at=None, **data):
    """A timeline row. A `body` the software writes is a Msg (lib/messages.py): kept as its
    msgid and parameters in `data["msg"]` and shown in the reader's language
    (visibility.event_body); `body` holds it in the company's language, for the search."""
    if isinstance(body, Msg):
        data["msg"] = body.stored()
        body = body.in_language(settings.LANGUAGE_CODE)
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=by,
        body=body,
        public=public,
        channel=channel,
        at=at or timezone.now(),
        data=data,
    )
    # The resident hears of the events that concern them, after the commit (issue #4).
    ticket_event_recorded.send(sender=TicketEvent, event=event)
    return event


def _link(ticket) -> str:
    return reverse("ticket_detail", kwargs={"pk": ticket.pk})


def recompute_clocks(ticket: Ticket, now=None) -> None:
    """next_due = the soonest clock still running; overdue clears once nothing is late."""
    now = now or timezone.now()
    running = []
    if ticket.status != Status.CLOSED:
        if ticket.follow_up_due and not ticket.followed_up_at:
            running.append(ticket.follow_up_due)
        if ticket.investigation_due and not ticket.decided_at:
            running.append(ticket.investigation_due)
        if ticket.return_visit_due and not ticket.return_visit_at:
            running.append(ticket.return_visit_due)
    ticket.next_due = min(running) if running else None
    if ticket.next_due is None or ticket.next_due > now:
        ticket.overdue_since = None


def _save(ticket: Ticket, version: int | None, *fields: str) -> None:
    """Write the named fields if the ticket is still at `version`; bump the version."""
    recompute_clocks(ticket)
    expected = ticket.version if version is None else version
    names = {*fields, "next_due", "overdue_since"}
    updated = Ticket.objects.filter(pk=ticket.pk, version=expected).update(
        version=expected + 1, **{name: getattr(ticket, name) for name in names}
    )
    if not updated:
        raise TicketConflict(_("工单已被他人修改,请刷新后重试。"))
    ticket.version = expected + 1
    if ticket.severity != Severity.NORMAL or "severity" in names:
        versions.bump(selectors.SEVERE_TICKETS)  # the manager's banner (selectors.severe_banner)


def _require_open(ticket):
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("工单已关闭。"), code="closed")


def is_desk(user, ticket) -> bool:
    """Customer service (specialist, assistant, manager) of the ticket's community: who may
    work a ticket. The one rule; the ticket page and the API ask it to offer the actions."""
    return has_post(user, *DESK_POSTS) and in_scope(user, ticket.community_id)


def is_manager(user, ticket) -> bool:
    """The manager of the ticket's community: investigation, decision, acknowledgement."""
    return has_post(user, *MANAGER_POSTS) and in_scope(user, ticket.community_id)


def _require_desk(by, ticket):
    if not is_desk(by, ticket):
        raise PermissionDenied


def _require_manager(by, ticket):
    if not is_manager(by, ticket):
        raise PermissionDenied


def managers_of(community_id: int):
    return list(
        User.objects.filter(
            staff__posts__post=Post.MANAGER,
            staff__archived_at__isnull=True,
            staff__communities__id=community_id,
            is_active=True,
        ).distinct()
    )


def refresh_search_text(ticket: Ticket) -> None:
    messages = TicketEvent.objects.filter(
        ticket=ticket,
        kind__in=[
            EventKind.MESSAGE,
            EventKind.ANSWER,
            EventKind.FOLLOW_UP,
            EventKind.REPLY,
            EventKind.FEEDBACK,
        ],
    ).values_list("body", flat=True)
    ticket.search_text = _search_text(ticket, messages)
    Ticket.objects.filter(pk=ticket.pk).update(search_text=ticket.search_text)


def _search_text(ticket: Ticket, messages) -> str:
    return index_text(
        ticket.number,
        ticket.title,
        ticket.description,
        ticket.resident.name if ticket.resident_id else "",
        ticket.room.address if ticket.room_id else "",
        *messages,
    )


# Each clock and the ticket field of its deadline.
DUE_FIELDS = {
    "follow_up": "follow_up_due",
    "investigation": "investigation_due",
    "return_visit": "return_visit_due",
}


def start_clock(ticket, name: str, events: dict, settings=None) -> None:
    """Set the deadline of one clock from the settings in force now (issue #14 point 4):
    from the start event they name (`events`: ClockStart → moment; the first one when theirs
    is not given), in calendar or working hours (policies/calendar.py). The ticket keeps how
    it was computed; later versions of the settings never move it."""
    deadline = calendar.clock(name, settings=settings or policy(), events=events)
    setattr(ticket, DUE_FIELDS[name], deadline.due)
    ticket.clock_basis = {**(ticket.clock_basis or {}), name: deadline.basis()}


def is_recorded_late(contact_at, recorded_at, settings) -> bool:
    """CMP-1: a contact recorded later than the regulation's minutes after it was made."""
    return recorded_at - contact_at > dt.timedelta(minutes=settings.late_recording_minutes)


def _report(ticket, by, now, reason="", *, reopened=False):
    """CMP-2: report to the manager; the investigation clock (CMP-3) starts from the event the
    settings name (by default the customer's contact); a reopened complaint's new round
    starts now."""
    ticket.reported_at = now
    if reopened:
        events = {ClockStart.REOPENED: now}
    else:
        events = {
            ClockStart.REPORTED: now,
            ClockStart.CONTACT: ticket.contact_at,
            ClockStart.RECORDED: ticket.created_at,
        }
    start_clock(ticket, "investigation", events)
    _event(ticket, EventKind.REPORTED, by, reason, due=ticket.investigation_due.isoformat())
    managers = managers_of(ticket.community_id)
    text = Msg(
        gettext_noop("投诉 %(number)s 已上报:%(title)s"),
        number=ticket.number,
        title=ticket.title,
    )
    transaction.on_commit(
        lambda: notify_staff(
            users=managers,
            kind="reported",
            text=text,
            link=_link(ticket),
            key=f"reported:{ticket.pk}:{now.isoformat()}",
            email=True,
        )
    )


def _reopen(ticket, by, reason, now):
    ticket.status = Status.INVESTIGATING if ticket.kind == Kind.COMPLAINT else Status.OPEN
    ticket.closed_at = None
    ticket.outcome = ""
    # A merged ticket that is reopened carries on by itself, through its own kind's workflow.
    ticket.merged_into = None
    if ticket.kind == Kind.COMPLAINT:
        ticket.decided_at = None
        ticket.feedback_at = None
        ticket.return_visit_due = None
        ticket.return_visit_at = None
        _event(ticket, EventKind.REOPEN, by, reason)
        _report(ticket, by, now, reason, reopened=True)
    else:
        ticket.followed_up_at = None
        start_clock(ticket, "follow_up", {ClockStart.REOPENED: now})
        _event(ticket, EventKind.REOPEN, by, reason)


# What _reopen changes: every clock and result of the ticket's previous round.
REOPENED_FIELDS = (
    "status",
    "merged_into",
    "closed_at",
    "outcome",
    "decided_at",
    "feedback_at",
    "return_visit_due",
    "return_visit_at",
    "followed_up_at",
    "follow_up_due",
    "reported_at",
    "investigation_due",
    "clock_basis",
)
