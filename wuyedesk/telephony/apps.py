from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "wuyedesk.telephony"
    verbose_name = _("电话渠道")
