"""What recruitment registers at start-up: every write to its openings, candidates and their
stages bumps its version, under which the manager's home keeps its recruitment figures
(recruitment.selectors.VERSION)."""

from wuyedesk.core import versions
from wuyedesk.recruitment.models import Candidate, Opening, StageRecord
from wuyedesk.recruitment.selectors import VERSION

versions.bump_on_change(VERSION, Opening, Candidate, StageRecord)
