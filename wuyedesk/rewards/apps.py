from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class RewardsConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.rewards"
    verbose_name = _("奖惩")
