"""What supervision registers at start-up: every write to a group membership, an inspection
or a calibration bumps its version (access.VERSION)."""

from wuyedesk.core import versions
from wuyedesk.supervision.access import VERSION
from wuyedesk.supervision.models import Calibration, GroupMember, Inspection

versions.bump_on_change(VERSION, GroupMember, Inspection, Calibration)
