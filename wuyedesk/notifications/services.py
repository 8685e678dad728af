"""In-app notifications and their e-mail copies. E-mail leaves only after the commit."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from wuyedesk.core import versions
from wuyedesk.lib.messages import Msg
from wuyedesk.notifications.models import Notification
from wuyedesk.notifications.selectors import unread_version

log = logging.getLogger(__name__)


def notify(
    *, users, kind: str, text: str | Msg, link: str = "", key: str = "", email: bool = False
):
    """Notify each user once per `key` (when given). Returns the notifications created.

    `text` as a Msg (lib/messages.py) is stored as its msgid and parameters and shown in the
    reader's language; the row's `text` (and the e-mail) is it in the recipient's language."""
    created = []
    message = text.stored() if isinstance(text, Msg) else {}
    for user in users:
        if user is None:
            continue
        rendered = text.in_language(getattr(user, "language", "")) if message else text
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        user=user,
                        kind=kind,
                        text=rendered[:300],
                        message=message,
                        link=link,
                        key=key,
                    )
                )
        except IntegrityError:  # already notified for this key
            continue
    if created:
        versions.bump(*{unread_version(n.user_id) for n in created})
    if email:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: send_notification_emails(ids))
    return created


def send_notification_emails(ids: list[int]) -> None:
    email_notifications(ids)


def deliver_email(notification: Notification) -> bool:
    address = notification.user.email or getattr(
        getattr(notification.user, "staff", None), "email", ""
    )
    if not address:
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    link = settings.SITE_URL.rstrip("/") + notification.link if notification.link else ""
    send_mail(
        subject=f"[物业客服台] {notification.text[:60]}",
        message=f"{notification.text}\n\n{link}".strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address],
        fail_silently=False,
    )
    return True


def notification_mark_read(
    *, user, notification: Notification | None = None, ids: list[int] | None = None
) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        qs = qs.filter(pk=notification.pk)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    marked = qs.update(read_at=timezone.now())
    if marked:
        versions.bump(unread_version(user.pk))
    return marked


# The task is defined beside its service, so that the services never import tasks.py.
@db_task(retries=3, retry_delay=60)
def email_notifications(ids: list[int]) -> int:
    sent = 0
    for notification in Notification.objects.filter(pk__in=ids).select_related("user__staff"):
        sent += deliver_email(notification)
    log.info("notification e-mails sent: %s", sent)
    return sent
