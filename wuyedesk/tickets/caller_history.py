"""What intake shows once the caller is chosen (issue #12 point 6): the caller's open and
recent tickets, and the likely duplicates of the contact being recorded.

The caller is the resident when one is chosen (their own tickets and those of the rooms they
live in, `selectors.tickets_of_resident`), else the room. Everything is read through
`tickets_visible_to`: a ticket the user may not see is neither listed nor flagged.

A likely duplicate is an open ticket (not closed, not merged) of the same caller in the same
category, received within the policy's `duplicate_window_hours` (policies.PolicySettings).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from wuyedesk.policies.services import policy
from wuyedesk.tickets.choices import Status
from wuyedesk.tickets.selectors import LIST_RELATED, tickets_of_resident, tickets_visible_to

# How many of each list the intake page shows; the rest is on the customer's 360 page.
OPEN_SHOWN = 8
RECENT_SHOWN = 5


@dataclass
class CallerHistory:
    open: list = field(default_factory=list)
    recent: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    window_hours: int = 0
    chosen: bool = False

    @property
    def empty(self) -> bool:
        return not (self.open or self.recent)


def caller_tickets(user, *, resident=None, room=None):
    """The caller's tickets as far as `user` sees them, newest first (none without a caller)."""
    if resident is not None:
        return tickets_of_resident(user, resident)
    if room is not None:
        tickets = tickets_visible_to(user).filter(room=room)
        return tickets.select_related(*LIST_RELATED).order_by("-id")
    return tickets_visible_to(user).none()


def likely_duplicates(user, *, resident=None, room=None, category=None, now=None) -> list:
    """Open tickets of this caller in this category received within the policy's window."""
    if category is None or (resident is None and room is None):
        return []
    hours = policy().duplicate_window_hours
    since = (now or timezone.now()) - dt.timedelta(hours=hours)
    return list(
        caller_tickets(user, resident=resident, room=room)
        .filter(category=category, created_at__gte=since, merged_into__isnull=True)
        .exclude(status=Status.CLOSED)[:OPEN_SHOWN]
    )


def caller_history(user, *, resident=None, room=None, category=None) -> CallerHistory:
    """The open tickets, the latest closed ones and the likely duplicates of the caller."""
    if resident is None and room is None:
        return CallerHistory()
    tickets = caller_tickets(user, resident=resident, room=room)
    return CallerHistory(
        open=list(tickets.exclude(status=Status.CLOSED)[:OPEN_SHOWN]),
        recent=list(tickets.filter(status=Status.CLOSED)[:RECENT_SHOWN]),
        duplicates=likely_duplicates(user, resident=resident, room=room, category=category),
        window_hours=policy().duplicate_window_hours,
        chosen=True,
    )
