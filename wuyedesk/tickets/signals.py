"""What the service desk tells the apps above it (docs/architecture.md): tickets imports none
of them; each connects its receivers in its own `receivers.py` (core/appconfig.py).

- `ticket_event_recorded(event)`: a timeline row was written, in the writing transaction
  (notifications tells the resident of the rows that concern them, after the commit).
- `staff_notice(users, kind, text, link, key, email)`: staff should hear of something (a
  ticket assigned, a complaint reported, a deadline missed). The services send it after their
  commit (`transaction.on_commit`), the deadline sweep when it claims the notice.
  notifications makes the notices, once per `key`, and mails them with `email=True`.
- `measure_recorded(measure, by)`: the manager's decision recorded a corrective measure, in
  the same transaction (improvements keeps it as an item of its one list; a refusal there
  rolls the decision back, as a direct call did).
- `intake_source(user, ref)`: the intake page was opened from something else (`?call=<pk>`
  from a phone call). A receiver that knows `ref` returns an `IntakeSource` (404 when the
  user may not see it); `intake_saved(user, source, ticket)` follows when the ticket is saved
  from that page, so the source can link the ticket back (telephony).
"""

from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

from wuyedesk.tickets.models import Ticket

ticket_event_recorded = Signal()
staff_notice = Signal()
measure_recorded = Signal()
intake_source = Signal()
intake_saved = Signal()


@dataclass
class IntakeSource:
    """Where an intake came from: the record (shown and sent back with the form as `pk`), the
    number to look the caller up by, and the form's starting values. `linked_to` names the
    ticket the record is linked to already, `may_link` whether this user may link it (the API
    refuses both before it saves anything; the page just leaves the record as it is)."""

    record: Any
    phone: str = ""
    initial: dict = field(default_factory=dict)
    linked_to: str = ""
    may_link: bool = True


def notify_staff(*, users, kind: str, text: str, link: str = "", key: str = "", email=False):
    """Send `staff_notice` (the services call it inside `transaction.on_commit`)."""
    staff_notice.send(
        sender=Ticket, users=users, kind=kind, text=text, link=link, key=key, email=email
    )


def source_of_intake(user, ref):
    """The `IntakeSource` a receiver found for `ref`, or None (no `ref`, nobody knows it)."""
    if not ref:
        return None
    for _receiver, found in intake_source.send(sender=Ticket, user=user, ref=ref):
        if found is not None:
            return found
    return None
