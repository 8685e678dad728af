from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class MailboxConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.mailbox"
    verbose_name = _("邮件渠道")
