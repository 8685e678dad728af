from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class AccountsConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.accounts"
    verbose_name = _("账号与岗位")
