from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "wuyedesk.notifications"
    verbose_name = _("通知")
