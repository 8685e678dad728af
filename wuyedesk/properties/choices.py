from django.db import models
from django.utils.translation import gettext_lazy as _


class OccupancyRole(models.TextChoices):
    OWNER = "owner", _("业主")
    FAMILY = "family", _("家庭成员")
    TENANT = "tenant", _("租户")


class DepartmentKind(models.TextChoices):
    INTERNAL = "internal", _("内部部门")
    PARTNER = "partner", _("合作单位")


class Gender(models.TextChoices):
    UNKNOWN = "", _("未填写")
    MALE = "m", _("男")
    FEMALE = "f", _("女")
