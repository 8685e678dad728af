from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class AuditConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.audit"
    verbose_name = _("审计")
