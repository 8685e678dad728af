"""The intake page opened from a call (`/tickets/new/?call=<pk>`): the caller's number is read
from the call record within the user's scope — it never travels in the URL — and the ticket
saved from that page is linked back to the call."""

import contextlib

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from wuyedesk.accounts.access import has_post
from wuyedesk.telephony import selectors, services
from wuyedesk.tickets.choices import Channel


def call_for_intake(user, raw_pk):
    """The call named by the intake's `call` parameter (404 when out of scope), or None."""
    if not raw_pk:
        return None
    return selectors.call_get_for_user(user, raw_pk)


def prefill(call, initial: dict) -> str:
    """Fill the intake form from the call; returns the number to look the caller up by."""
    initial.setdefault("channel", Channel.PHONE)
    initial.setdefault("contact_at", timezone.localtime(call.started_at).replace(tzinfo=None))
    return call.number


def may_attach(user, call) -> bool:
    """Whether `user` may link `call` to a ticket (services.call_link's rule)."""
    return has_post(user, *services.LOG_POSTS) or call.staff_id == user.pk


def attach(user, call, ticket) -> None:
    """Link the saved ticket to its call. The ticket is saved already: a call this person may
    not link (somebody else's, and they are not on the desk) just stays unlinked."""
    if call is None or call.ticket_id is not None:
        return
    with contextlib.suppress(PermissionDenied):
        services.call_link(by=user, call=call, ticket=ticket)
