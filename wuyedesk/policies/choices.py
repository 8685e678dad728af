from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """How serious a complaint is. The policy settings name the severities that notify the
    manager at once (CMP-2); tickets carry one (tickets.choices re-exports it)."""

    NORMAL = "normal", _("一般")
    MAJOR = "major", _("重大投诉")
    EMERGENCY = "emergency", _("突发事件")
