from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wuyedesk.accounts"
    verbose_name = _("账号与岗位")

    def ready(self):
        from wuyedesk.accounts import (
            resources,  # noqa: F401  (registers the app's resources)
            twofactor,  # noqa: F401  (starts each session's idle clock)
        )
