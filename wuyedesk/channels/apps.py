from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "wuyedesk.channels"
    label = "wuyedesk_channels"
    verbose_name = _("服务渠道")
