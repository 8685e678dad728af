from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "wuyedesk.tickets"
    verbose_name = _("工单")

    def ready(self):
        from wuyedesk.core import reference

        reference.connect()  # here: it needs the ticket categories, loaded with this app
