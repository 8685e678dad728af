import logging

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
