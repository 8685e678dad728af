from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertiesConfig(AppConfig):
    name = "wuyedesk.properties"
    verbose_name = _("小区与住户")

    def ready(self):
        from wuyedesk.properties import resources  # noqa: F401  (registers the app's resources)
