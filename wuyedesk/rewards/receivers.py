"""What rewards registers at start-up: every write to its rows bumps its version, under which
the homes keep their rewards figures (rewards.selectors.VERSION)."""

from wuyedesk.core import versions
from wuyedesk.rewards.models import Measure, MeasureEvent
from wuyedesk.rewards.selectors import VERSION

versions.bump_on_change(VERSION, Measure, MeasureEvent)
