"""From a raw mail to a ticket, a reply on one, or a row in the assistants' queue.

Order of work, so that nothing is ever lost:
1. `store` keeps the raw bytes and claims the mail with a unique key (Message-ID, else a hash
   of the bytes): the same mail delivered twice, or fetched by two pollers, is stored once.
2. `process` claims the stored row with a conditional update (new → processing) and parses it
   in one transaction. Whatever goes wrong leaves the row flagged for an assistant with the
   reason (unparsed, error, needs linking); the raw mail stays readable on the staff page.
3. The acknowledgement goes out after the commit, claimed once per mail.
"""

import datetime as dt
import logging
import uuid
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.accounts.services import system_user
from wuyedesk.core import versions
from wuyedesk.lib.text import without_controls
from wuyedesk.mailbox.choices import VERSION, InboundStatus, OutboundKind
from wuyedesk.mailbox.models import InboundMail, OutboundMail, SenderLink
from wuyedesk.mailbox.outbound import NUMBER_RE, from_address, message_ids, send_mail_record
from wuyedesk.mailbox.parsing import (
    POLICY,
    Parsed,
    ParseError,
    dedupe_key,
    header_message_id,
    parse,
    strip_quote,
)
from wuyedesk.notifications.services import notify
from wuyedesk.policies.services import policy
from wuyedesk.properties.models import Community, Resident
from wuyedesk.properties.selectors import resident_households
from wuyedesk.properties.services import company_get
from wuyedesk.tickets import selectors as ticket_selectors
from wuyedesk.tickets.choices import Channel, Kind, Status
from wuyedesk.tickets.services import (
    attachment_add,
    ticket_mail_reply,
    ticket_receive,
    ticket_system_note,
)

log = logging.getLogger(__name__)

RETRYABLE = (
    InboundStatus.NEW,
    InboundStatus.ERROR,
    InboundStatus.UNPARSED,
    InboundStatus.NEEDS_LINKING,
)


# ------------------------------------------------------------------------------ storing


def store(raw: bytes, *, mailbox: str = "", uid: int | None = None, status=InboundStatus.NEW):
    """Keep the raw mail; None when this mail is already stored (a second delivery)."""
    try:
        message_id = header_message_id(raw)
    except Exception:  # headers that cannot even be split: the hash identifies the mail
        message_id = ""
    key = dedupe_key(raw, message_id)
    if InboundMail.objects.filter(dedupe_key=key).exists():
        return None
    mail = InboundMail(
        dedupe_key=key, message_id=message_id, mailbox=mailbox, uid=uid, size=len(raw)
    )
    mail.status = status
    mail.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            mail.save()
    except IntegrityError:  # another poller stored it a moment ago
        mail.raw.delete(save=False)
        return None
    return mail


def store_too_large(headers: bytes, *, size: int, mailbox: str = "", uid=None):
    """Over MAIL_MAX_MB: only the headers are kept; the mail itself stays in the mailbox.
    It goes to the sender's community when the sender is a known resident, and its
    assistants are told (every assistant while it has no community)."""
    mail = store(headers, mailbox=mailbox, uid=uid, status=InboundStatus.TOO_LARGE)
    if mail is None:
        return None
    _fill_headers(mail, headers)
    mail.resident = match_resident(mail.from_address)
    mail.community = place_of(mail.resident)[0] if mail.resident is not None else None
    mail.size = size
    mail.attention = True
    mail.error = _("邮件大小 %(size)s MB 超过上限 %(limit)s MB,未下载;原件仍在邮箱中。") % {
        "size": round(size / 1024 / 1024, 1),
        "limit": settings.MAIL_MAX_MB,
    }
    mail.save()
    _notify_safely(mail)
    return mail


def receive(raw: bytes, *, mailbox: str = "", uid: int | None = None):
    """Store and process one mail; None when it was a duplicate."""
    mail = store(raw, mailbox=mailbox, uid=uid)
    if mail is not None:
        process(mail)
    return mail


# ---------------------------------------------------------------------------- processing


def process(mail: InboundMail) -> InboundMail:
    claimed = InboundMail.objects.filter(pk=mail.pk, status__in=RETRYABLE).update(
        status=InboundStatus.PROCESSING, attempts=F("attempts") + 1
    )
    if not claimed:
        return mail
    versions.bump(VERSION)  # the assistant's home (an update sends no signal)
    mail.refresh_from_db()
    try:
        with transaction.atomic():
            _process(mail)
    except Exception as error:
        log.exception("inbound mail %s could not be processed", mail.pk)
        InboundMail.objects.filter(pk=mail.pk).update(
            status=InboundStatus.ERROR, attention=True, error=str(error)[:2000]
        )
        versions.bump(VERSION)  # the assistant's home (an update sends no signal)
        mail.refresh_from_db()
    if mail.attention:
        _notify_safely(mail)
    return mail


def _notify_safely(mail: InboundMail) -> None:
    try:
        _tell_assistants(mail)
    except Exception:  # the mail is stored and flagged; a notice must not stall polling
        log.exception("assistants not notified of inbound mail %s", mail.pk)


def _tell_assistants(mail: InboundMail) -> None:
    """The assistants of the mail's community (of every community while it has none) get one
    notification per flagged mail: a mail needs a person. Processing it again (a retry, a
    second poller) does not notify again."""
    from django.urls import reverse

    people = User.objects.filter(
        staff__posts__post=Post.ASSISTANT, staff__archived_at__isnull=True, is_active=True
    )
    if mail.community_id:
        people = people.filter(staff__communities__id=mail.community_id)
    text = _("来信需要处理:%(subject)s(%(status)s)") % {
        "subject": mail.subject or mail.from_address,
        "status": mail.get_status_display(),
    }
    notify(
        users=list(people.distinct()),
        kind="mail",
        text=text,
        link=reverse("mail_detail", kwargs={"pk": mail.pk}),
        key=f"mail:{mail.pk}",
    )


def _fill(mail: InboundMail, parsed: Parsed) -> None:
    mail.message_id = mail.message_id or parsed.message_id
    mail.from_address = parsed.from_address
    mail.from_name = parsed.from_name
    mail.subject = parsed.subject
    mail.sent_at = parsed.sent_at
    mail.in_reply_to = parsed.in_reply_to
    mail.references = " ".join(parsed.references)[:10000]
    mail.automated = bool(parsed.automated)
    mail.body_text = parsed.text
    mail.body_html = parsed.html


def _process(mail: InboundMail) -> None:
    raw = read_raw(mail)
    try:
        parsed = parse(raw)
    except ParseError as error:
        _unparsed(mail, raw, str(error))
        return
    if parsed.from_address == _own_address():
        parsed.automated = "auto"  # our own mail come back (a forward, a loop): never a ticket
    _fill(mail, parsed)
    mail.error, mail.problems = "", []
    resident = match_resident(parsed.from_address)
    mail.resident = resident
    ticket = find_thread(mail, parsed, resident)
    if ticket is not None:
        _on_thread(mail, parsed, ticket)
        return
    if parsed.automated in ("auto", "bounce"):
        # An auto-reply or bounce that answers nothing of ours: kept, nothing more.
        _done(mail, InboundStatus.AUTOMATED, attention=False)
        return
    community, room = place_of(resident)
    if community is None:
        mail.error = _("发件人不是已登记的住户,也未设置默认小区:请关联住户后生成工单。")
        _done(mail, InboundStatus.NEEDS_LINKING, attention=True)
        return
    ticket = new_ticket(mail, parsed, community=community, resident=resident, room=room)
    if resident is None:
        mail.error = " ".join(filter(None, [_("发件人不是已登记的住户:请关联住户。"), mail.error]))
    _done(mail, InboundStatus.TICKET, attention=resident is None or bool(mail.problems))
    if not parsed.automated:
        transaction.on_commit(lambda: acknowledge(mail.pk))


def read_raw(mail: InboundMail) -> bytes:
    with mail.raw.open("rb") as handle:
        return handle.read()


def _unparsed(mail, raw: bytes, reason: str) -> None:
    _fill_headers(mail, raw)
    mail.error = reason
    _done(mail, InboundStatus.UNPARSED, attention=True)


def _fill_headers(mail, raw: bytes) -> None:
    """Sender and subject of a mail that is not parsed as a whole, read leniently: shown to
    the assistant beside the raw mail. Nothing here may fail."""
    try:
        headers = BytesHeaderParser(policy=POLICY).parsebytes(raw)
        name, address = parseaddr(without_controls(str(headers.get("From", ""))))
        mail.from_name, mail.from_address = name[:200], address.lower()[:254]
        subject = without_controls(str(headers.get("Subject", "")))
        mail.subject = " ".join(subject.split())[:300]
        mail.message_id = (
            mail.message_id or (message_ids(str(headers.get("Message-ID", ""))) or [""])[0]
        )
    except Exception:  # noqa: S110  (the stored reason is what the assistant needs)
        pass


def _done(mail, status, *, attention: bool) -> None:
    mail.status = status
    mail.attention = attention
    if mail.ticket_id and not mail.community_id:
        mail.community_id = mail.ticket.community_id
    mail.save()


# ------------------------------------------------------------------- who, where, which


def match_resident(address: str):
    """The one resident with this email (case-insensitive), or the one an assistant linked
    this address to; None when unknown or ambiguous (two records share the address)."""
    if not address:
        return None
    found = list(Resident.objects.filter(email__iexact=address, archived_at__isnull=True)[:2])
    if len(found) == 1:
        return found[0]
    if found:
        return None
    link = SenderLink.objects.filter(address=address.lower()).select_related("resident").first()
    return link.resident if link and link.resident.archived_at is None else None


def place_of(resident):
    """(community, room) of a new ticket from this sender: the resident's home when there is
    exactly one, else their community; unknown senders go to MAIL_DEFAULT_COMMUNITY."""
    if resident is not None:
        homes = [o for o in resident_households(resident) if o.is_current]
        if len(homes) == 1:
            return homes[0].room.community, homes[0].room
        if homes:
            return homes[0].room.community, None
        return resident.community, None
    code = settings.MAIL_DEFAULT_COMMUNITY
    if not code:
        return None, None
    return Community.objects.filter(code=code, archived_at__isnull=True).first(), None


def find_thread(mail, parsed: Parsed, resident):
    """The ticket this mail answers: by the Message-IDs it refers to (ours or earlier mail on
    a ticket), else by a ticket number in the subject — only when the sender is that
    ticket's own correspondent, so that nobody writes onto a stranger's ticket by number."""
    refs = [r for r in [parsed.in_reply_to, *reversed(parsed.references)] if r]
    ticket_id = None
    if refs:
        ticket_id = (
            OutboundMail.objects.filter(message_id__in=refs)
            .values_list("ticket_id", flat=True)
            .first()
        ) or (
            InboundMail.objects.filter(message_id__in=refs, ticket__isnull=False)
            .exclude(pk=mail.pk)
            .values_list("ticket_id", flat=True)
            .first()
        )
    if ticket_id is None and parsed.bounced_ids:
        # A bounce names the mail that bounced in its text or returned original: only our
        # own mail counts (a bounce never threads onto a resident's mail).
        ticket_id = (
            OutboundMail.objects.filter(message_id__in=parsed.bounced_ids)
            .values_list("ticket_id", flat=True)
            .first()
        )
    ticket = ticket_selectors.ticket_by_id(ticket_id)
    if ticket is None:
        for number in NUMBER_RE.findall(parsed.subject):
            candidate = ticket_selectors.ticket_numbered(number)
            if candidate and _correspondent(candidate, parsed.from_address, resident):
                ticket = candidate
                break
    while ticket is not None and ticket.merged_into_id:
        ticket = ticket.merged_into
    return ticket


def _correspondent(ticket, address: str, resident) -> bool:
    if resident is not None and ticket.resident_id == resident.pk:
        return True
    return (
        InboundMail.objects.filter(ticket=ticket, from_address=address).exists()
        or OutboundMail.objects.filter(ticket=ticket, to_address__iexact=address).exists()
    )


def mail_category():
    leaves = ticket_selectors.mail_categories()
    return leaves.filter(code=settings.MAIL_CATEGORY).first() or leaves.order_by("pk").first()


# ------------------------------------------------------------------------ ticket changes


def _contact_time(parsed: Parsed, mail: InboundMail):
    """When the resident wrote: the mail's Date, never later than now nor earlier than the
    moment we stored it minus a week (a wrong clock must not make a ticket overdue at once)."""
    now = timezone.now()
    sent = parsed.sent_at or mail.received_at
    floor = mail.received_at - dt.timedelta(days=7)
    return min(max(sent, floor), now)


def new_ticket(mail, parsed: Parsed, *, community, resident, room):
    text = parsed.text.strip() or parsed.subject or _("(邮件无正文)")
    ticket = ticket_receive(
        channel=Channel.EMAIL,
        kind=Kind.INQUIRY,
        category=mail_category(),
        title=parsed.subject or text[:40],
        description=text,
        community=community,
        resident=resident,
        room=room,
        contact_at=_contact_time(parsed, mail),
    )
    mail.ticket, mail.community = ticket, community
    _attach(mail, parsed, ticket)
    return ticket


def _on_thread(mail, parsed: Parsed, ticket) -> None:
    mail.ticket, mail.community = ticket, ticket.community
    if parsed.automated:
        # An out-of-office answer or a bounce of our mail: kept with the ticket, never a
        # customer reply (it must not reopen anything) and never answered. A bounce means
        # the resident did not get our mail: an assistant looks.
        bounce = parsed.automated == "bounce"
        if bounce:
            _bounced(mail, parsed, ticket)
        _done(mail, InboundStatus.AUTOMATED, attention=bounce)
        return
    if ticket.status == Status.CLOSED and policy().closed_reply != "reopen":
        mail.error = _("工单已关闭,回复被拒收;已告知客户另写新邮件。")
        _done(mail, InboundStatus.REFUSED, attention=False)
        transaction.on_commit(lambda: _refuse(mail.pk))
        return
    text = strip_quote(parsed.text) or parsed.subject or _("(邮件无正文)")
    ticket_mail_reply(ticket=ticket, text=text)
    _attach(mail, parsed, ticket)
    _done(mail, InboundStatus.REPLY, attention=bool(mail.problems))


def _bounced(mail, parsed: Parsed, ticket) -> None:
    """Our mail did not reach the resident: the mail says which one, and the ticket gets an
    internal note, so whoever handles it knows to call rather than wait for an answer."""
    refs = [*parsed.bounced_ids, parsed.in_reply_to, *parsed.references]
    ours = OutboundMail.objects.filter(ticket=ticket, message_id__in=[r for r in refs if r])
    lost = ours.order_by("-id").first()
    if lost is None:
        mail.error = _("退信:请确认客户是否收到了我们的邮件。")
        return
    mail.error = _(
        "退信:我们发往 %(address)s 的邮件「%(subject)s」未能送达,请改用电话联系客户。"
    ) % {"address": lost.to_address, "subject": lost.subject}
    ticket_system_note(ticket=ticket, text=mail.error)


def _attach(mail, parsed: Parsed, ticket) -> None:
    """Every attachment goes through the ticket's own checks (type by content, size by
    policy). One that is refused leaves the mail flagged and a note on the ticket."""
    refused = []
    for item in parsed.attachments:
        upload = SimpleUploadedFile(item.name[:200] or "attachment", item.content)
        try:
            attachment_add(by=system_user(), ticket=ticket, upload=upload, public=True)
        except ValidationError as error:
            reason = " ".join(error.messages)
            refused.append(f"{item.name}: {reason}")
    if refused:
        mail.problems = refused
        mail.error = _("有附件未保存到工单,原件保留在邮件中。")
        ticket_system_note(
            ticket=ticket,
            text=_("邮件附件未能保存(原件保留在来信中):%(list)s") % {"list": ";".join(refused)},
        )


# --------------------------------------------------------------------- answering at once


def _language_of(resident) -> str:
    if resident is not None:
        language = User.objects.filter(resident=resident).values_list("language", flat=True).first()
        if language:
            return language
    return settings.LANGUAGE_CODE


def _company_name() -> str:
    try:
        return company_get().name
    except Exception:
        return ""


def _own_address() -> str:
    return parseaddr(from_address())[1].lower()


def _may_answer(mail: InboundMail) -> bool:
    return bool(mail.from_address) and not mail.automated and mail.from_address != _own_address()


def acknowledge(mail_pk: int) -> OutboundMail | None:
    """The acknowledgement with the ticket number (ISO 10002), once per mail, in the
    resident's language; marked Auto-Submitted so that an auto-responder stays quiet."""
    mail = InboundMail.objects.select_related("ticket", "resident").get(pk=mail_pk)
    if mail.ticket is None or not _may_answer(mail):
        return None
    claimed = InboundMail.objects.filter(pk=mail.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    )
    if not claimed:
        return None
    ticket = mail.ticket
    with override(_language_of(mail.resident)):
        subject = _("已受理:%(subject)s") % {"subject": mail.subject or ticket.title}
        text = _(
            "您好%(name)s:\n\n我们已收到您的来信,工单编号为 %(number)s。"
            "客服人员会尽快处理并与您联系。\n"
            "如需补充说明,请直接回复本邮件(请保留主题中的工单编号)。\n\n%(company)s"
        ) % {
            "name": f" {mail.resident.name}" if mail.resident else "",
            "number": ticket.number,
            "company": _company_name(),
        }
    try:
        with transaction.atomic():
            return send_mail_record(
                ticket=ticket,
                subject=subject,
                text=text,
                kind=OutboundKind.ACK,
                to=mail.from_address,
                inbound=mail,
            )
    except IntegrityError:  # another worker's acknowledgement of this mail exists
        return None


def _refuse(mail_pk: int) -> OutboundMail | None:
    mail = InboundMail.objects.select_related("ticket", "resident").get(pk=mail_pk)
    if mail.ticket is None or not _may_answer(mail):
        return None
    with override(_language_of(mail.resident)):
        subject = _("工单已关闭")
        text = _(
            "您好:\n\n工单 %(number)s 已关闭,您的回复未能受理。"
            "如有新的问题,请另写一封新邮件(主题中不要包含工单编号),我们会为您新建工单。"
            "\n\n%(company)s"
        ) % {"number": mail.ticket.number, "company": _company_name()}
    return send_mail_record(
        ticket=mail.ticket,
        subject=subject,
        text=text,
        kind=OutboundKind.REFUSAL,
        to=mail.from_address,
        inbound=mail,
    )
