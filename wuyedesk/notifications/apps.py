from django.core import checks
from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class NotificationsConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.notifications"
    verbose_name = _("通知")

    def ready(self):
        super().ready()  # receivers.py: its reactions to tickets.signals
        checks.register(check_webhook_settings)


def check_webhook_settings(app_configs=None, **kwargs):
    """The SMS/WeChat gateway carries residents' phone numbers: HTTPS and a signature secret."""
    from django.conf import settings

    url = settings.NOTIFY_WEBHOOK_URL
    problems = []
    if not url:
        return problems
    if not url.startswith(("https://", "http://")):
        problems.append(
            checks.Error("NOTIFY_WEBHOOK_URL must be an http(s) URL.", id="notifications.E001")
        )
    elif not url.startswith("https://") and getattr(settings, "PRODUCTION", False):
        problems.append(
            checks.Error(
                "NOTIFY_WEBHOOK_URL must use https:// in production: it carries phone numbers.",
                id="notifications.E002",
            )
        )
    if not settings.NOTIFY_WEBHOOK_SECRET:
        problems.append(
            checks.Warning(
                "NOTIFY_WEBHOOK_SECRET is empty: the gateway cannot verify the signature.",
                id="notifications.W001",
            )
        )
    return problems
