from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class SupervisionConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.supervision"
    verbose_name = _("监督检查")
