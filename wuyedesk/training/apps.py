from django.utils.translation import gettext_lazy as _

from wuyedesk.core import appconfig


class TrainingConfig(appconfig.WuyeDeskAppConfig):
    name = "wuyedesk.training"
    verbose_name = _("培训")
