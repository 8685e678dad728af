from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class ReportsConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.reports"
    verbose_name = _("报表")
