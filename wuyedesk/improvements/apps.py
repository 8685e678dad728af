from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementsConfig(AppConfig):
    name = "wuyedesk.improvements"
    verbose_name = _("改进计划")
