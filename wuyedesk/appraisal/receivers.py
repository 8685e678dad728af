"""What appraisal registers at start-up: every write to its rows bumps its version, under which
the homes keep their appraisal figures (appraisal.selectors.VERSION)."""

from wuyedesk.appraisal import models
from wuyedesk.appraisal.selectors import VERSION
from wuyedesk.core import versions

versions.bump_on_change(
    VERSION, models.Cycle, models.Appraisal, models.Item, models.Dispute, models.Change
)
