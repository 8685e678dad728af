from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class TelephonyConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.telephony"
    verbose_name = _("电话渠道")
