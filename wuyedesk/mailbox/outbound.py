"""Mail to residents about their tickets, threaded so that their mail program shows one
conversation: a Message-ID we make and keep, In-Reply-To and References pointing at the
thread's last message, and the ticket number in the subject.

The resident-notification dispatcher (wuyedesk/notifications/residents.py) calls
`send_ticket_email` for replies, feedback and notices; the inbound poller calls it for the
acknowledgement. Call it after the transaction that decided to write commits
(`transaction.on_commit`): the SMTP conversation is not undone by a rollback.
"""

import logging
import re
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from wuyedesk.mailbox.choices import OutboundKind, OutboundStatus
from wuyedesk.mailbox.models import InboundMail, OutboundMail

log = logging.getLogger(__name__)

NUMBER_RE = re.compile(r"(?<!\d)(\d{8}-\d{4,})(?!\d)")
MESSAGE_ID_RE = re.compile(r"<([^<>\s]{1,250})>")
# References carries the thread's first message and the most recent ones (RFC 5322 §3.6.4).
MAX_REFERENCES = 20
# What automatic mail carries so that the resident's auto-responder does not answer (RFC 3834).
AUTOMATIC_KINDS = {OutboundKind.ACK: "auto-replied", OutboundKind.REFUSAL: "auto-replied"}
MAX_ATTEMPTS = 3


def message_ids(value: str) -> list[str]:
    """The Message-IDs in a header value, without their angle brackets."""
    return MESSAGE_ID_RE.findall(value or "")


def from_address() -> str:
    return settings.MAIL_FROM or settings.DEFAULT_FROM_EMAIL


def _domain() -> str:
    address = parseaddr(from_address())[1]
    return address.rpartition("@")[2] or "wuyedesk.localhost"


def recipient_of(ticket) -> str:
    """Answers go to the address the resident wrote from on this ticket, else to the email
    address on the resident's record; "" when there is none."""
    last = (
        InboundMail.objects.filter(ticket=ticket, automated=False)
        .exclude(from_address="")
        .order_by("-received_at", "-id")
        .values_list("from_address", flat=True)
        .first()
    )
    if last:
        return last
    if ticket.resident_id and ticket.resident.email:
        return ticket.resident.email
    return ""


def thread_headers(ticket) -> tuple[str, str]:
    """(In-Reply-To, References) for a new message on the ticket's thread."""
    last_in = (
        InboundMail.objects.filter(ticket=ticket)
        .exclude(message_id="")
        .order_by("-received_at", "-id")
        .values("message_id", "references", "received_at")
        .first()
    )
    last_out = (
        OutboundMail.objects.filter(ticket=ticket, status=OutboundStatus.SENT)
        .order_by("-created_at", "-id")
        .values("message_id", "references", "created_at")
        .first()
    )
    candidates = []
    if last_in:
        candidates.append((last_in["received_at"], last_in))
    if last_out:
        candidates.append((last_out["created_at"], last_out))
    if not candidates:
        return "", ""
    last = max(candidates, key=lambda pair: pair[0])[1]
    chain = [*last["references"].split(), last["message_id"]]
    chain = list(dict.fromkeys(chain))
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    return last["message_id"], " ".join(chain)


def ticket_subject(ticket, subject: str) -> str:
    subject = " ".join((subject or "").split())  # no line breaks reach a header
    if ticket.number not in NUMBER_RE.findall(subject):
        subject = f"[{ticket.number}] {subject}".strip()
    return subject[:300]


def send_ticket_email(*, ticket, subject: str, text: str, kind: str) -> OutboundMail | None:
    """Send `text` to the ticket's resident from the company address, threaded, and record
    it. None when there is no address to write to. A refused or failed SMTP delivery is
    recorded (status failed, the error) and retried by the worker; it does not raise."""
    return send_mail_record(ticket=ticket, subject=subject, text=text, kind=kind)


def send_mail_record(
    *, ticket, subject: str, text: str, kind: str, to: str = "", inbound=None
) -> OutboundMail | None:
    to = to or recipient_of(ticket)
    if not to:
        return None
    in_reply_to, references = thread_headers(ticket)
    mail = OutboundMail.objects.create(
        ticket=ticket,
        inbound=inbound,
        kind=kind,
        message_id=make_msgid(domain=_domain())[1:-1],
        in_reply_to=in_reply_to,
        references=references,
        to_address=to,
        subject=ticket_subject(ticket, subject),
        body=text,
    )
    deliver(mail)
    return mail


def _message(mail: OutboundMail) -> EmailMessage:
    headers = {"Message-ID": f"<{mail.message_id}>", "Reply-To": from_address()}
    if mail.in_reply_to:
        headers["In-Reply-To"] = f"<{mail.in_reply_to}>"
    if mail.references:
        headers["References"] = " ".join(f"<{m}>" for m in mail.references.split())
    if mail.kind in AUTOMATIC_KINDS:
        headers["Auto-Submitted"] = AUTOMATIC_KINDS[mail.kind]
        headers["X-Auto-Response-Suppress"] = "All"  # Exchange's out-of-office stays quiet
    return EmailMessage(
        subject=mail.subject,
        body=mail.body,
        from_email=from_address(),
        to=[mail.to_address],
        headers=headers,
    )


def deliver(mail: OutboundMail) -> bool:
    """One SMTP attempt; the record says how it went."""
    mail.attempts += 1
    try:
        _message(mail).send()
    except Exception as error:  # any SMTP or network failure: recorded, retried later
        log.warning("mail %s to ticket %s not sent: %s", mail.pk, mail.ticket_id, error)
        mail.status, mail.error = OutboundStatus.FAILED, str(error)[:2000]
        mail.save(update_fields=["status", "error", "attempts"])
        return False
    mail.status, mail.error, mail.sent_at = OutboundStatus.SENT, "", timezone.now()
    mail.save(update_fields=["status", "error", "attempts", "sent_at"])
    return True


def retry_failed() -> int:
    """Resend failed mail (a few attempts each). Each is claimed by a conditional update, so
    two workers never send one twice."""
    sent = 0
    due = OutboundMail.objects.filter(status=OutboundStatus.FAILED, attempts__lt=MAX_ATTEMPTS)
    for pk in due.values_list("pk", flat=True)[:100]:
        with transaction.atomic():
            claimed = OutboundMail.objects.filter(
                Q(status=OutboundStatus.FAILED), pk=pk, attempts__lt=MAX_ATTEMPTS
            ).update(status=OutboundStatus.PENDING)
        if claimed:
            sent += deliver(OutboundMail.objects.select_related("ticket").get(pk=pk))
    return sent
