from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class ArchiveConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.archive"
    verbose_name = _("客户档案")
