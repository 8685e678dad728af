"""What policies registers at start-up (core/appconfig.py)."""

from wuyedesk.core import reference
from wuyedesk.policies.models import PolicySettings

reference.watch(PolicySettings)
