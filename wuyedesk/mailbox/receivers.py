"""What the mailbox does for the apps below it (core/appconfig.py imports this at start-up)."""

from django.dispatch import receiver

from wuyedesk.core import versions
from wuyedesk.mailbox.choices import VERSION, OutboundKind
from wuyedesk.mailbox.models import InboundMail
from wuyedesk.mailbox.outbound import send_ticket_email
from wuyedesk.notifications.signals import ticket_email
from wuyedesk.tickets.choices import EventKind

# The assistant's home keeps its count of mail needing a resident (mailbox.selectors.VERSION).
versions.bump_on_change(VERSION, InboundMail)

# The kind of mail a ticket's timeline row becomes; any other notice is a NOTICE.
MAIL_KIND_OF_EVENT = {
    EventKind.CREATED: OutboundKind.ACK,
    EventKind.ANSWER: OutboundKind.REPLY,
    EventKind.MESSAGE: OutboundKind.REPLY,
    EventKind.FEEDBACK: OutboundKind.FEEDBACK,
}


@receiver(ticket_email, dispatch_uid="mailbox-ticket-email")
def send_ticket_copy(sender, *, ticket, subject, text, event_kind="", **kwargs) -> bool:
    """A resident's notice about a ticket, threaded on the ticket's conversation."""
    kind = MAIL_KIND_OF_EVENT.get(event_kind, OutboundKind.NOTICE)
    return send_ticket_email(ticket=ticket, subject=subject, text=text, kind=kind) is not None
