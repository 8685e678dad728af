"""The notifications' background jobs, for huey's consumer: each is defined beside its service."""

from wuyedesk.notifications.residents import (  # noqa: F401
    WebhookNotDelivered,
    resident_email,
    webhook_deliver,
)
from wuyedesk.notifications.services import email_notifications  # noqa: F401
