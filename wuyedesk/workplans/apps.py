from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class WorkplansConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.workplans"
    verbose_name = _("工作计划与工作报告")
