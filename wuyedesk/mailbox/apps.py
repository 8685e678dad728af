from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxConfig(AppConfig):
    name = "wuyedesk.mailbox"
    verbose_name = _("邮件渠道")
