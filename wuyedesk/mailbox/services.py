"""What assistants do with flagged mail: link the sender to a resident, retry, set aside.
Each checks permission, changes the mail (and the ticket through the tickets services) and
writes the audit row in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import require_community
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.mailbox import inbound
from wuyedesk.mailbox.choices import VERSION, InboundStatus
from wuyedesk.mailbox.models import InboundMail, SenderLink
from wuyedesk.mailbox.parsing import Parsed, ParseError, parse, readable
from wuyedesk.mailbox.selectors import mails_visible_to, may_handle_mail
from wuyedesk.properties.selectors import residents_visible_to
from wuyedesk.tickets.services import ticket_link_resident

# Mail whose sender, once known, gets a ticket (there is none yet).
NEEDS_TICKET = (InboundStatus.NEEDS_LINKING, InboundStatus.UNPARSED, InboundStatus.ERROR)
# Mail that processing may run on again.
RETRY = (InboundStatus.UNPARSED, InboundStatus.ERROR, InboundStatus.NEEDS_LINKING)


def _require(by, mail):
    if not may_handle_mail(by) or not mails_visible_to(by).filter(pk=mail.pk).exists():
        raise PermissionDenied


def _invalid(field, message, code="invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


@transaction.atomic
def mail_link_sender(*, by, mail: InboundMail, resident, remember: bool = True) -> InboundMail:
    """The sender is this resident: their ticket gets the resident (or, for mail still without
    a ticket, the ticket is made now and acknowledged); with `remember`, later mail from the
    address finds the resident by itself."""
    _require(by, mail)
    mail = InboundMail.objects.select_for_update().get(pk=mail.pk)
    if resident is None or not residents_visible_to(by).filter(pk=resident.pk).exists():
        raise _invalid("resident", _("找不到该住户,或不在您的权限范围内。"), "invalid_choice")
    if resident.archived_at is not None:
        raise _invalid("resident", _("该住户已归档。"), "archived")
    if mail.status in (InboundStatus.NEW, InboundStatus.PROCESSING):
        raise ValidationError(_("邮件正在处理,请稍后再试。"), code="busy")
    if remember and mail.from_address:
        SenderLink.objects.update_or_create(
            address=mail.from_address.lower(),
            defaults={"resident": resident, "linked_by": by, "linked_at": timezone.now()},
        )
    mail.resident = resident
    if mail.ticket_id:
        if mail.ticket.resident_id is None:
            ticket_link_resident(by=by, ticket=mail.ticket, resident=resident)
    elif mail.status in NEEDS_TICKET:
        _ticket_for(by, mail, resident)
    mail.attention = False
    mail.handled_by, mail.handled_at = by, timezone.now()
    mail.save()
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=mail,
        community_id=mail.community_id,
        changes={"resident": [None, resident.pk], "ticket": mail.ticket_id},
    )
    return mail


def _ticket_for(by, mail, resident) -> None:
    community, room = inbound.place_of(resident)
    if community is None:
        raise _invalid("resident", _("该住户没有所属小区,无法生成工单。"), "no_community")
    require_community(by, community.pk)
    raw = inbound.read_raw(mail)
    try:
        parsed = parse(raw)
    except ParseError:
        parsed = Parsed(
            from_address=mail.from_address,
            subject=mail.subject,
            sent_at=mail.sent_at,
            text=mail.body_text or _readable(raw),
        )
    inbound.new_ticket(mail, parsed, community=community, resident=resident, room=room)
    mail.status = InboundStatus.TICKET
    if not mail.automated:
        pk = mail.pk
        transaction.on_commit(lambda: inbound.acknowledge(pk))


def _readable(raw: bytes) -> str:
    """A mail that could not be parsed, as text an assistant can read on the ticket."""
    body = raw.split(b"\r\n\r\n", 1)[-1] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[-1]
    return readable(body)[:20000].strip() or _("(邮件无正文)")


def mail_retry(*, by, mail: InboundMail) -> InboundMail:
    """Process the mail again (after the default community was set, a transient error…)."""
    _require(by, mail)
    with transaction.atomic():
        reset = InboundMail.objects.filter(pk=mail.pk, status__in=RETRY).update(
            status=InboundStatus.NEW
        )
        if not reset:
            raise ValidationError(_("该邮件不能重新处理。"), code="invalid_state")
        versions.bump(VERSION)  # the assistant's home (an update sends no signal)
        audit_record(actor=by, action=AuditAction.UPDATE, obj=mail, changes={"retry": True})
    mail.refresh_from_db()
    return inbound.process(mail)


@transaction.atomic
def mail_dismiss(*, by, mail: InboundMail) -> InboundMail:
    """The assistant has dealt with it (answered by phone, opened it in a mail program)."""
    _require(by, mail)
    updated = InboundMail.objects.filter(pk=mail.pk, attention=True).update(
        attention=False, handled_by=by, handled_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("该邮件无需处理。"), code="invalid_state")
    versions.bump(VERSION)  # the assistant's home (an update sends no signal)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=mail, changes={"attention": False})
    mail.refresh_from_db()
    return mail
