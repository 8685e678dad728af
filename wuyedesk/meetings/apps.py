from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class MeetingsConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.meetings"
    verbose_name = _("部门会议")
