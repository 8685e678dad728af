from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from wuyedesk.core import observability, reference
from wuyedesk.lib.logcontext import install_record_factory


class CoreConfig(AppConfig):
    name = "wuyedesk.core"
    verbose_name = _("基础")

    def ready(self):
        reference.connect()
        install_record_factory()
        observability.connect_huey()
