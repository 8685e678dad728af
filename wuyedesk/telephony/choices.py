from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    INBOUND = "in", _("呼入")
    OUTBOUND = "out", _("呼出")


class Purpose(models.TextChoices):
    """Why a call was made. Follow-up and return-visit calls meet those ticket clocks."""

    GENERAL = "general", _("一般通话")
    FOLLOW_UP = "follow_up", _("跟进回复")
    RETURN_VISIT = "return_visit", _("回访")


class CallOutcome(models.TextChoices):
    ANSWERED = "answered", _("已接通")
    MISSED = "missed", _("未接听")
    BUSY = "busy", _("占线")
    UNREACHABLE = "unreachable", _("未联系上")


# The `source` of calls logged by hand; a PBX's calls carry its integration's source name.
MANUAL_SOURCE = "manual"
