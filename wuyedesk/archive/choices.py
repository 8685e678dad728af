from django.db import models
from django.utils.translation import gettext_lazy as _


class DestructionMethod(models.TextChoices):
    SHREDDED = "shredded", _("纸质件粉碎")
    ERASED = "erased", _("电子件删除")
    RETURNED = "returned", _("退还本人")
    OTHER = "other", _("其他方式")
