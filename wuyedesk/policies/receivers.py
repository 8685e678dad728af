"""What policies registers at start-up (core/appconfig.py)."""

from wuyedesk.core import reference
from wuyedesk.policies.models import CalendarDay, PolicyDocument, PolicySettings, PolicyVersion

# The settings in force are reference data: a new version, a switch into force or a change
# of a draft's settings row gives a new version of it (policy() rebuilds its timeline).
reference.watch(PolicySettings, CalendarDay, PolicyVersion, PolicyDocument)
