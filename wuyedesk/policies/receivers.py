"""What policies registers at start-up (core/appconfig.py)."""

from wuyedesk.accounts.models import Staff, StaffPost
from wuyedesk.core import reference, versions
from wuyedesk.policies.models import (
    CalendarDay,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyEvaluation,
    PolicySettings,
    PolicyVersion,
)
from wuyedesk.policies.selectors import VERSION

# The settings in force are reference data: a new version, a switch into force or a change
# of a draft's settings row gives a new version of it (policy() rebuilds its timeline).
reference.watch(PolicySettings, CalendarDay, PolicyVersion, PolicyDocument)
# The homes' policies block (policies/homes.py) is kept under VERSION: what is in
# force, who has acknowledged it, the evaluations, and whom each version concerns.
versions.bump_on_change(
    VERSION,
    PolicyDocument,
    PolicyVersion,
    PolicyAcknowledgement,
    PolicyEvaluation,
    Staff,
    StaffPost,
)
