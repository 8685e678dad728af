from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from wuyedesk.core import observability, reference, statistics
from wuyedesk.lib.logcontext import install_record_factory


class CoreConfig(AppConfig):
    name = "wuyedesk.core"
    verbose_name = _("基础")

    def ready(self):
        reference.connect()
        install_record_factory()
        observability.connect_huey()
        post_migrate.connect(statistics.analyze_after_migrate, sender=self)
