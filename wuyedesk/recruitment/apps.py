from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class RecruitmentConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.recruitment"
    verbose_name = _("招聘")
