"""What the surveys register at start-up: every write to an invitation or a campaign bumps
the version under which the homes keep the surveys' figures (surveys.selectors.VERSION)."""

from wuyedesk.core import versions
from wuyedesk.surveys.models import Campaign, Invitation
from wuyedesk.surveys.selectors import VERSION

versions.bump_on_change(VERSION, Campaign, Invitation)
