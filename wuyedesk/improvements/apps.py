from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class ImprovementsConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.improvements"
    verbose_name = _("改进计划")
