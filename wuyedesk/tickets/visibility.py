"""Who reads what is written on a ticket: the one rule every path to a resident reads
(issue #11 point 9).

Each timeline row (TicketEvent) has one audience:

- CUSTOMER: its text was written to the customer (`public=True`: an answer, a message, the
  result fed back, an incident update, the customer's own words). The resident reads it on
  the portal and through the portal API, and is notified with it (portal, e-mail, SMS/WeChat).
- PROGRESS: the customer learns that it happened, never what staff wrote on it: a transfer
  (its note is for the department), a follow-up and a return visit (their text is the
  desk's record of the conversation).
- INTERNAL: everything else (notes, department replies, investigations, decisions, merges).

Internal is the default: `public` is False unless a service writes a message to the customer.
The portal page, the portal API and the notifications call `audience_of` / `customer_row`;
nothing else decides what a resident reads.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from wuyedesk.lib.messages import shown
from wuyedesk.tickets.choices import Audience, EventKind
from wuyedesk.tickets.display import EVENT_KINDS

# Rows the customer is told of without their text.
PROGRESS_KINDS = frozenset({EventKind.TRANSFER, EventKind.FOLLOW_UP, EventKind.RETURN_VISIT})


def audience_of(event) -> str:
    if event.public:
        return Audience.CUSTOMER
    if event.kind in PROGRESS_KINDS:
        return Audience.PROGRESS
    return Audience.INTERNAL


def customer_visible(event) -> bool:
    return audience_of(event) != Audience.INTERNAL


def customer_visible_q() -> Q:
    """`customer_visible` as a filter on TicketEvent (the same rule, read by the database)."""
    return Q(public=True) | Q(kind__in=PROGRESS_KINDS)


def customer_visible_sql(alias: str) -> str:
    """`customer_visible_q` as SQL over TicketEvent's columns under `alias`, for hand-written
    statements (lib/statements.py), held equal to the filter by
    channels/tests/test_portal_statements.py. The kinds are this module's constants."""
    kinds = ", ".join(f"'{kind.value}'" for kind in sorted(PROGRESS_KINDS))
    return f'({alias}."public" OR {alias}."kind" IN ({kinds}))'


@dataclass(frozen=True)
class CustomerRow:
    """One timeline row as the customer sees it: no staff names, no internal text."""

    id: int
    kind: str
    label: str
    at: dt.datetime
    actor_id: int | None
    body: str
    stars: int | None


def event_body(event) -> str:
    """The row's text in the reader's language: a text the software wrote (`data["msg"]`,
    lib/messages.py) rendered now; what a person typed, and rows from before, as stored."""
    return shown((event.data or {}).get("msg"), event.body)


def progress_text(event) -> str:
    """What the customer is told of a PROGRESS row, in the active language."""
    if event.kind == EventKind.TRANSFER:
        return _("已转交%(department)s处理。") % {"department": event.data.get("department", "")}
    if event.kind == EventKind.FOLLOW_UP:
        return _("客服中心已与您联系,跟进处理进度。")
    if event.data.get("reached"):
        return _("客服中心已回访您,感谢您的配合。")
    return _("客服中心回访时未能联系上您。")


def customer_row(event) -> CustomerRow | None:
    """The row the customer sees of `event`, or None when it is internal."""
    audience = audience_of(event)
    if audience == Audience.INTERNAL:
        return None
    body = event_body(event) if audience == Audience.CUSTOMER else progress_text(event)
    return CustomerRow(
        id=event.pk,
        kind=event.kind,
        label=str(EVENT_KINDS.get(event.kind, event.kind)),
        at=event.at,
        actor_id=event.actor_id,
        body=body,
        stars=event.data.get("stars") if audience == Audience.CUSTOMER else None,
    )


def customer_text(event) -> str:
    """The text of `event` that may be sent to the customer with a notice ('' if none)."""
    return event_body(event) if audience_of(event) == Audience.CUSTOMER else ""
