from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class DataQualityConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.dataquality"
    verbose_name = _("数据质量")
