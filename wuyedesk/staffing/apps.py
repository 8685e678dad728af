from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class StaffingConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.staffing"
    verbose_name = _("排班与考勤")
