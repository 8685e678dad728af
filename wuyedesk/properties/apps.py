from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class PropertiesConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.properties"
    verbose_name = _("小区与住户")
