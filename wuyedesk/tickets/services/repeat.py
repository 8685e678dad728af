"""The caller rings again about a ticket already open (issue #12 point 6): intake records
the call on that ticket instead of opening a duplicate.

The row is the customer's own words (`customer_reply`, customer-visible, as when they write
on the portal), marked `repeat_contact` with the channel and contact time; the ticket's
owner (or the community's managers when it has none) hears of it after the commit. The
call log row is linked by the caller of this service (tickets.signals.intake_saved), in the
same transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.lib.messages import Msg
from wuyedesk.tickets.choices import Channel, EventKind, Status
from wuyedesk.tickets.models import TicketEvent
from wuyedesk.tickets.services.base import (
    CONTACT_SKEW,
    _event,
    _invalid,
    _link,
    _require_desk,
    _save,
    managers_of,
)
from wuyedesk.tickets.signals import notify_staff

# The channels a person records a contact by (the intake page's).
CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.EMAIL)


@transaction.atomic
def ticket_add_contact(
    *, by, ticket, description: str, channel: str = Channel.PHONE, contact_at=None, version=None
) -> TicketEvent:
    """Record a repeated contact of the customer on their open `ticket` (a desk post of its
    community). A closed or merged ticket is refused: a new ticket is recorded instead."""
    _require_desk(by, ticket)
    text = (description or "").strip()
    if not text:
        raise _invalid("description", _("内容不能为空。"), "required")
    if channel not in CHANNELS:
        raise _invalid("channel", _("渠道不正确。"))
    if ticket.status == Status.CLOSED or ticket.merged_into_id:
        raise _invalid("ticket", _("该工单已关闭,请登记新的工单。"), "closed")
    now = timezone.now()
    contact_at = contact_at or now
    if contact_at > now + CONTACT_SKEW:
        raise _invalid("contact_at", _("联系时间不能晚于现在。"))
    _save(ticket, version)
    event = _event(
        ticket,
        EventKind.CUSTOMER_REPLY,
        by,
        text,
        public=True,
        channel=channel,
        repeat_contact=True,
        contact_at=contact_at.isoformat(),
    )
    people = [ticket.owner] if ticket.owner_id else managers_of(ticket.community_id)
    note = Msg(gettext_noop("客户再次来电:工单 %(number)s"), number=ticket.number)
    transaction.on_commit(
        lambda: notify_staff(
            users=people,
            kind="customer_reply",
            text=note,
            link=_link(ticket),
            key=f"repeat_contact:{event.pk}",
        )
    )
    return event
