from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class AppraisalConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.appraisal"
    verbose_name = _("季度考核")
