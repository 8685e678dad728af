from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "wuyedesk.policies"
    verbose_name = _("制度与参数")
