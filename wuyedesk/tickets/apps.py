from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class TicketsConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.tickets"
    verbose_name = _("工单")
