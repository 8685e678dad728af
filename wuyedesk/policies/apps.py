from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class PoliciesConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.policies"
    verbose_name = _("制度与参数")
