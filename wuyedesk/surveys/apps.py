from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class SurveysConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.surveys"
    verbose_name = _("满意度调查")
