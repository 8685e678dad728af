"""What policies registers at start-up (core/appconfig.py)."""

from wuyedesk.core import reference
from wuyedesk.policies.models import CalendarDay, PolicySettings

reference.watch(PolicySettings, CalendarDay)
