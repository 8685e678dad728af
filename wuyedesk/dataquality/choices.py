from django.db import models
from django.utils.translation import gettext_lazy as _


class Problem(models.TextChoices):
    """The kinds of likely problem the worklist finds (AST-3), in the order it shows them."""

    DUPLICATES = "duplicates", _("疑似重复的住户")
    ROOMS_NO_OWNER = "rooms_no_owner", _("没有业主的房屋")
    NO_CONTACT = "no_contact", _("没有联系方式的住户")
    STALE_OCCUPANCY = "stale_occupancy", _("应已结束的入住关系")
    TICKET_CATEGORY = "ticket_category", _("分类不明的工单")
    TICKET_CALLER = "ticket_caller", _("来电人不明的工单")
    MAIL_RESIDENT = "mail_resident", _("未匹配住户的邮件")
