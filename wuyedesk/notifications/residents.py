"""Notices to residents about their tickets (issue #4 item 4, SPE-2, CMP-4): on the portal,
by e-mail and through an SMS/WeChat gateway (a signed HTTPS webhook), as each resident chose.

`queue_ticket_event(event)` is called for every ticket timeline row as it is written (the
receiver of tickets.signals.ticket_event_recorded, notifications/receivers.py); it picks the
events a resident must hear about — acknowledged, handed to a department, answered, a
message from the desk, the result, the return visit — and only customer-visible ones, and
sends after the commit. What a notice may carry of the row is decided by
tickets/visibility.py, the rule the portal reads too: an internal note never notifies, and a
transfer's or a return visit's text never leaves the building.
`resident_notify(...)` is the one door for any other notice (a survey invitation).

Only the ticket's own resident is written to; nothing about a ticket reaches a neighbour.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from huey.contrib.djhuey import db_task

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.lib.messages import Msg, label
from wuyedesk.lib.privacy import mask_phone
from wuyedesk.notifications.models import (
    DeliveryStatus,
    Notification,
    ResidentPreference,
    WebhookDelivery,
)
from wuyedesk.notifications.services import notify
from wuyedesk.notifications.signals import ticket_email
from wuyedesk.properties.models import Resident
from wuyedesk.tickets.choices import Channel, EventKind, Kind
from wuyedesk.tickets.selectors import (
    event_reaches_resident,
    event_text_for_resident,
    notice_event,
    ticket_with_resident,
)

log = logging.getLogger(__name__)

# Customer-visible events that a resident is told about (tickets/visibility.py says which
# are visible and whether with their text).
NOTIFIED = {
    EventKind.CREATED,
    EventKind.TRANSFER,
    EventKind.ANSWER,
    EventKind.MESSAGE,
    EventKind.FEEDBACK,
    EventKind.RETURN_VISIT,
}
# Texts of a portal notice / SMS are cut here; the e-mail carries all of it.
SHORT = 300


# --- which channels --------------------------------------------------------------------------


def webhook_enabled() -> bool:
    return bool(settings.NOTIFY_WEBHOOK_URL)


def preferences_of(resident) -> dict:
    """{"portal", "email", "webhook"}: what the resident chose, or the defaults."""
    try:
        pref = resident.notice_preference
    except ResidentPreference.DoesNotExist:
        return {"portal": True, "email": bool(resident.email), "webhook": False}
    return {"portal": pref.portal, "email": pref.email, "webhook": pref.webhook}


def account_of(resident):
    try:
        return resident.account
    except User.DoesNotExist:
        return None


def channels_for(resident) -> set[str]:
    """The channels a notice to `resident` goes out on now: chosen and usable."""
    chosen = preferences_of(resident)
    account = account_of(resident)
    usable = {
        "portal": account is not None and account.is_active,
        "email": bool(resident.email),
        "webhook": webhook_enabled() and bool(resident.phone),
    }
    return {name for name, on in chosen.items() if on and usable[name]}


def language_of(resident) -> str:
    account = account_of(resident)
    return account.language if account is not None else settings.LANGUAGE_CODE


# --- the hook from the ticket services -------------------------------------------------------


def queue_ticket_event(event) -> None:
    """For each timeline row as it is written: queue the resident's notice after the commit.
    Costs nothing (no query) for rows nobody is told about."""
    if event.kind not in NOTIFIED or not event_reaches_resident(event):
        return
    if not event.ticket.resident_id:
        return
    pk = event.pk
    # robust: a failing notice is logged, it never turns the saved change into an error page.
    transaction.on_commit(lambda: ticket_event_notify(pk), robust=True)


def _portal_link(ticket) -> str:
    try:
        return reverse("portal:ticket", kwargs={"pk": ticket.pk})
    except NoReverseMatch:
        return ""


def _headline(event, ticket) -> Msg:
    """The notice's first line, stored to be shown in the resident's language of the day."""
    number = ticket.number
    kind = event.kind
    if kind == EventKind.CREATED:
        return Msg(
            gettext_noop("您的%(kind)s已受理,工单号 %(number)s。"),
            kind=label(Kind(ticket.kind).label),
            number=number,
        )
    if kind == EventKind.TRANSFER:
        return Msg(
            gettext_noop("工单 %(number)s 已转交%(department)s处理。"),
            number=number,
            department=event.data.get("department", ""),
        )
    if kind == EventKind.ANSWER:
        return Msg(gettext_noop("工单 %(number)s 有了答复。"), number=number)
    if kind == EventKind.MESSAGE:
        return Msg(gettext_noop("客服中心就工单 %(number)s 给您留言。"), number=number)
    if kind == EventKind.FEEDBACK:
        return Msg(gettext_noop("工单 %(number)s 的处理结果已出。"), number=number)
    if event.data.get("reached"):
        return Msg(gettext_noop("感谢您接受工单 %(number)s 的回访。"), number=number)
    return Msg(
        gettext_noop("我们就工单 %(number)s 回访您,未能联系上。如有需要,请联系客服中心。"),
        number=number,
    )


def ticket_event_notify(event_id: int) -> set[str]:
    """Tell the ticket's resident about one timeline event. Returns the channels used."""
    event = notice_event(event_id)
    if event is None or event.ticket.resident is None:
        return set()
    ticket, resident = event.ticket, event.ticket.resident
    if not event_reaches_resident(event):
        return set()  # made internal since it was queued
    body = event_text_for_resident(event)  # '' for a transfer or a return visit: see headline
    if event.kind == EventKind.CREATED:
        body = ""  # the resident's own words: not repeated

    def message():
        headline = _headline(event, ticket)
        return headline, body

    skip = set()
    if event.kind == EventKind.CREATED and event.channel == Channel.EMAIL:
        skip.add("email")  # the mailbox acknowledges mail itself, in the same thread
    return resident_notify(
        resident=resident,
        kind=event.kind,
        key=f"ticket-event:{event.pk}",
        message=message,
        ticket=ticket,
        link=_portal_link(ticket),
        event_kind=event.kind,
        skip=skip,
    )


# --- the one door ---------------------------------------------------------------------------


def resident_notify(
    *,
    resident,
    kind: str,
    key: str,
    message: Callable[[], tuple[str, str]],
    ticket=None,
    link: str = "",
    event_kind: str = "",
    skip: set[str] = frozenset(),
) -> set[str]:
    """Send one notice to a resident on the channels they chose. `message()` returns
    (headline, text) and is called in the resident's language. `key` makes it happen once.
    Call after the commit that decided it (the e-mail and the webhook are not undone)."""
    channels = channels_for(resident) - set(skip)
    if not channels:
        return set()
    language = language_of(resident)
    with translation.override(language):
        raw_headline, text = message()
        headline, text = str(raw_headline), str(text)
    short = f"{headline} {text}".strip()[:SHORT]
    # The portal's notice is rendered in the resident's language whenever it is read.
    portal_text = short
    if isinstance(raw_headline, Msg):
        suffix = text[: max(SHORT - len(str(headline)) - 1, 0)]
        portal_text = Msg(raw_headline.msgid, suffix=suffix, **raw_headline.params)
    used = set()
    if "portal" in channels and notify(
        users=[account_of(resident)],
        kind=f"resident:{kind}",
        text=portal_text,
        link=link,
        key=key,
    ):
        used.add("portal")
    if "email" in channels:
        transaction.on_commit(
            lambda: _queue_email(
                resident.pk,
                ticket.pk if ticket else None,
                key,
                headline,
                text,
                link,
                language,
                event_kind,
            )
        )
        used.add("email")
    if "webhook" in channels:
        delivery = _delivery_create(
            resident=resident,
            ticket=ticket,
            kind=kind,
            key=key,
            payload={
                "event": kind,
                "ticket": ticket.number if ticket else None,
                "language": language,
                "title": headline,
                "text": short,
                "link": _absolute(link),
            },
        )
        if delivery is not None:
            pk = delivery.pk
            transaction.on_commit(lambda: _queue_webhook(pk))
            used.add("webhook")
    return used


def _absolute(link: str) -> str:
    return settings.SITE_URL.rstrip("/") + link if link else ""


# --- e-mail ---------------------------------------------------------------------------------


def _queue_email(*args) -> None:
    resident_email(*args)


def send_resident_email(
    resident_id: int,
    ticket_id: int | None,
    key: str,
    headline: str,
    text: str,
    link: str,
    language: str,
    event_kind: str,
) -> bool:
    """The e-mail copy: through the mailbox (threaded on the ticket's conversation, recorded
    and retried there) for a ticket; a plain mail otherwise."""
    from django.core.mail import send_mail

    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None or not resident.email:
        return False
    with translation.override(language):
        body = render_to_string(
            "notifications/resident_email.txt",
            {"resident": resident, "headline": headline, "text": text, "link": _absolute(link)},
        )
        subject = headline
        ticket = ticket_with_resident(ticket_id)
        if ticket is not None:
            answers = ticket_email.send(
                sender=send_resident_email,
                ticket=ticket,
                subject=subject,
                text=body,
                event_kind=event_kind,
            )
            return any(sent for _receiver, sent in answers)
        send_mail(
            subject=f"[{_('物业客服台')}] {subject}",
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[resident.email],
        )
    return True


# --- the SMS/WeChat webhook -------------------------------------------------------------------


def _delivery_create(*, resident, ticket, kind, key, payload):
    try:
        with transaction.atomic():
            return WebhookDelivery.objects.create(
                key=key[:100], event=kind, resident=resident, ticket=ticket, payload=payload
            )
    except IntegrityError:  # this notice was queued before
        return None


def _queue_webhook(delivery_id: int) -> None:
    webhook_deliver(delivery_id)


def max_attempts() -> int:
    return settings.NOTIFY_WEBHOOK_RETRIES + 1


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: what the gateway recomputes to trust us."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def gateway_post(*, key: str, document: dict) -> tuple[int | None, str]:
    """One signed POST of `document` to the gateway: (HTTP status or None, error or "")."""
    import httpx

    body = json.dumps(document, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "WuyeDesk-Webhook/1",
        "X-WuyeDesk-Delivery": key,
        "X-WuyeDesk-Timestamp": timestamp,
        "X-WuyeDesk-Signature": signature(settings.NOTIFY_WEBHOOK_SECRET, timestamp, body),
    }
    error, status = "", None
    try:
        response = httpx.post(
            settings.NOTIFY_WEBHOOK_URL,
            content=body,
            headers=headers,
            timeout=settings.NOTIFY_WEBHOOK_TIMEOUT,
        )
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except httpx.TimeoutException:
        error = f"timeout after {settings.NOTIFY_WEBHOOK_TIMEOUT:g}s"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    return status, error


def gateway_send_now(
    *, key: str, event: str, phone: str, language: str, title: str, text: str, extra=None
) -> bool:
    """A message to any mobile number (not necessarily a resident's), posted once, now, with
    no delivery row: for one-time codes, whose text must not be stored anywhere. The body has
    the shape of every notice; `resident` carries the number, with no id or name. The caller
    offers a resend instead of our retries. True when the gateway accepted it."""
    if not webhook_enabled():
        return False
    document = {
        "id": key,
        "event": event,
        "ticket": None,
        "language": language,
        "title": title,
        "text": text[:SHORT],
        "link": "",
        **(extra or {}),
        "resident": {"id": None, "name": "", "phone": phone, "phone_masked": mask_phone(phone)},
        "sent_at": timezone.now().isoformat(),
        "attempt": 1,
    }
    _status, error = gateway_post(key=key, document=document)
    if error:
        # The key and the error only: no number, no text (PIPL, and the text may hold a code).
        log.warning("gateway message %s not accepted: %s", key, error)
    return not error


def webhook_attempt(delivery_id: int) -> bool:
    """One attempt to hand a notice to the gateway. True when nothing is left to do (sent, gave
    up, or another worker has it); False when it should be tried again later.
    The row is claimed with a conditional update, so two workers never post it twice."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return True
    delivery = WebhookDelivery.objects.select_related("resident").get(pk=delivery_id)
    resident = delivery.resident
    if not settings.NOTIFY_WEBHOOK_URL:
        error, status = "NOTIFY_WEBHOOK_URL is not set", None
    else:
        document = {
            "id": delivery.key,
            **delivery.payload,
            "resident": {
                "id": resident.pk,
                "name": resident.name,
                "phone": resident.phone,  # the gateway needs it to deliver the SMS
                "phone_masked": mask_phone(resident.phone),
            },
            "sent_at": now.isoformat(),
            "attempt": delivery.attempts,
        }
        status, error = gateway_post(key=delivery.key, document=document)
    if not error:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.SENT, last_status=status, last_error="", sent_at=timezone.now()
        )
        return True
    final = delivery.attempts >= max_attempts()
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING,
        last_status=status,
        last_error=error[:500],
    )
    # The delivery's id and the error only: no phone number or text in the log (PIPL).
    log.warning(
        "webhook delivery %s attempt %s failed: %s%s",
        delivery_id,
        delivery.attempts,
        error,
        " (giving up)" if final else " (will retry)",
    )
    return final


def delivery_resend(*, by, delivery) -> None:
    """An administrator sends a failed notice again (a fresh round of attempts); also one left
    "sending" by a worker that died mid-attempt."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db.models import Q

    if not has_post(by, Post.ADMIN):
        raise PermissionDenied
    stuck = timezone.now() - dt.timedelta(minutes=10)
    reopened = (
        WebhookDelivery.objects.filter(pk=delivery.pk)
        .filter(
            Q(status=DeliveryStatus.FAILED)
            | Q(status=DeliveryStatus.SENDING, last_attempt_at__lt=stuck)
        )
        .update(status=DeliveryStatus.PENDING, attempts=0)
    )
    if not reopened:
        raise ValidationError(_("只有发送失败的推送可以重发。"), code="invalid_state")
    pk = delivery.pk
    transaction.on_commit(lambda: _queue_webhook(pk))


# --- the resident's choice --------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, by, portal: bool, email: bool, webhook: bool) -> dict:
    """A resident chooses their own channels. A channel they cannot receive on (no e-mail
    address on file, no gateway configured) is refused by field."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not getattr(by, "is_resident", False) or by.resident_id is None:
        raise PermissionDenied
    resident = by.resident
    errors = {}
    if email and not resident.email:
        errors["email"] = ValidationError(
            _("您的档案中没有邮箱,无法通过邮件通知。请联系客服中心登记邮箱。"), code="no_email"
        )
    if webhook and not webhook_enabled():
        errors["webhook"] = ValidationError(_("短信/微信通知暂未开通。"), code="unavailable")
    if errors:
        raise ValidationError(errors)
    ResidentPreference.objects.update_or_create(
        resident=resident, defaults={"portal": portal, "email": email, "webhook": webhook}
    )
    return {"portal": portal, "email": email, "webhook": webhook}


def resident_notifications(user):
    """A resident's own portal notices, newest first."""
    return Notification.objects.filter(user=user).order_by("-id")


# --- tasks (defined beside their services, so that the services never import tasks.py) ------


class WebhookNotDelivered(Exception):
    """Raised so that huey tries the delivery again later (the row says why)."""


@db_task(retries=3, retry_delay=60)
def resident_email(*args) -> bool:
    return send_resident_email(*args)


@db_task(
    retries=settings.NOTIFY_WEBHOOK_RETRIES,
    retry_delay=settings.NOTIFY_WEBHOOK_RETRY_DELAY,
    retry_backoff=2,
)
def webhook_deliver(delivery_id: int) -> None:
    if not webhook_attempt(delivery_id):
        raise WebhookNotDelivered(delivery_id)
