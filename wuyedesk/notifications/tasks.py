import logging

from django.conf import settings
from huey.contrib.djhuey import db_task

from wuyedesk.notifications.models import Notification

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def email_notifications(ids: list[int]) -> int:
    from wuyedesk.notifications.services import deliver_email

    sent = 0
    for notification in Notification.objects.filter(pk__in=ids).select_related("user__staff"):
        sent += deliver_email(notification)
    log.info("notification e-mails sent: %s", sent)
    return sent


class WebhookNotDelivered(Exception):
    """Raised so that huey tries the delivery again later (the row says why)."""


@db_task(retries=3, retry_delay=60)
def resident_email(*args) -> bool:
    from wuyedesk.notifications.residents import send_resident_email

    return send_resident_email(*args)


@db_task(
    retries=settings.NOTIFY_WEBHOOK_RETRIES,
    retry_delay=settings.NOTIFY_WEBHOOK_RETRY_DELAY,
    retry_backoff=2,
)
def webhook_deliver(delivery_id: int) -> None:
    from wuyedesk.notifications.residents import webhook_attempt

    if not webhook_attempt(delivery_id):
        raise WebhookNotDelivered(delivery_id)
