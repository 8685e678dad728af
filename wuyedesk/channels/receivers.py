"""What channels registers at start-up (core/appconfig.py): every write to a sign-up bumps
the sign-ups' version (selectors.SIGNUPS_VERSION)."""

from wuyedesk.channels.models import Signup
from wuyedesk.channels.selectors import SIGNUPS_VERSION
from wuyedesk.core import versions

versions.bump_on_change(SIGNUPS_VERSION, Signup)
