"""Rate strings as django-ratelimit reads them: "20/10m" is 20 per 10 minutes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits only (`\d` also takes "５" or "٥"), matched whole (`$` would allow a newline).
RATE_RE = re.compile(r"(?P<count>[0-9]{1,6})/(?P<multiplier>[0-9]{0,4})(?P<unit>[smhd])")


def validate_rate(value: str) -> None:
    match = RATE_RE.fullmatch(value or "")
    if not match or int(match["count"]) < 1 or match["multiplier"] in ("0", "00"):
        raise ValidationError(
            _("请按“次数/时长”填写,如 20/10m(10分钟20次)、5/h、100/d。"), code="invalid_rate"
        )
