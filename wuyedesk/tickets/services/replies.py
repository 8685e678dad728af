"""What the customer does on their own ticket (portal, portal API) and what arrives by
itself (inbound mail, the software's own notes)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import require_community
from wuyedesk.accounts.services import system_user
from wuyedesk.lib.messages import Msg
from wuyedesk.policies.services import policy
from wuyedesk.tickets.choices import (
    Channel,
    EventKind,
    Status,
)
from wuyedesk.tickets.models import (
    Ticket,
    TicketEvent,
)
from wuyedesk.tickets.services.base import (
    REOPENED_FIELDS,
    _event,
    _invalid,
    _link,
    _reopen,
    _save,
    managers_of,
    refresh_search_text,
)
from wuyedesk.tickets.signals import notify_staff

# ---------------------------------------------------------------- the customer's own actions


def _require_customer(by, ticket):
    """A resident acting on a ticket of their own (portal, portal API)."""
    if not getattr(by, "is_resident", False) or ticket.resident_id != by.resident_id:
        raise PermissionDenied


@transaction.atomic
def ticket_customer_reply(*, by, ticket, text: str, channel: str, version=None) -> TicketEvent:
    """SPE-2: the customer writes on their own ticket. On a closed ticket the policy decides:
    the reply reopens it, or it is refused and the customer is asked to submit a new one."""
    _require_customer(by, ticket)
    return _customer_reply(ticket, by, text, channel, version)


def _customer_reply(ticket, by, text, channel, version) -> TicketEvent:
    if not text.strip():
        raise _invalid("text", _("内容不能为空。"), "required")
    now = timezone.now()
    if ticket.status == Status.CLOSED:
        if policy().closed_reply != "reopen" or ticket.merged_into_id:
            raise _invalid("text", _("该工单已关闭,请提交新的诉求。"), "closed")
        _reopen(ticket, by, _("客户回复"), now)
        _save(ticket, version, *REOPENED_FIELDS)
    else:
        _save(ticket, version)
    event = _event(ticket, EventKind.CUSTOMER_REPLY, by, text, public=True, channel=channel)
    people = [ticket.owner] if ticket.owner_id else managers_of(ticket.community_id)
    note = Msg(gettext_noop("客户回复了工单 %(number)s"), number=ticket.number)
    transaction.on_commit(
        lambda: notify_staff(
            users=people,
            kind="customer_reply",
            text=note,
            link=_link(ticket),
            key=f"customer_reply:{event.pk}",
        )
    )
    refresh_search_text(ticket)
    return event


@transaction.atomic
def ticket_call_record(*, by, ticket, summary: str, notes: str = "", call: int) -> TicketEvent:
    """A phone call about the ticket from the call log (direction, outcome, length, what was
    said): an internal timeline row. Follow-ups and return visits have their own rows."""
    require_community(by, ticket.community_id)
    body = f"{summary}\n{notes}".strip()
    return _event(ticket, EventKind.CALL, by, body, channel=Channel.PHONE, call=call)


@transaction.atomic
def ticket_customer_record(*, by, ticket, kind: str, body: str = "", **data) -> TicketEvent:
    """The customer confirmed the result or rated the handling: a customer-visible row."""
    _require_customer(by, ticket)
    if kind not in (EventKind.CONFIRMED, EventKind.RATING):
        raise _invalid("kind", _("类型不正确。"))
    return _event(ticket, kind, by, body, public=True, **data)


# ------------------------------------------------------- what arrives by itself (inbound mail)


@transaction.atomic
def ticket_mail_reply(*, ticket, text: str, channel: str = Channel.EMAIL) -> TicketEvent:
    """The customer's reply that arrived by mail, threaded onto their ticket and recorded by
    the system user; on a closed ticket the policy decides, as for ticket_customer_reply."""
    ticket = Ticket.objects.get(pk=ticket.pk)  # the current version, whatever the caller held
    return _customer_reply(ticket, system_user(), text, channel, None)


def ticket_system_note(*, ticket, text: str) -> TicketEvent:
    """An internal note the software writes (e.g. which mail attachment was refused)."""
    return _event(ticket, EventKind.COMMENT, system_user(), text)
