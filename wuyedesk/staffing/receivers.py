"""What staffing registers at start-up (core/appconfig.py): every write to its attendance
rows bumps the attendance version (staffing/kept.py)."""

from wuyedesk.core import versions
from wuyedesk.staffing.kept import ATTENDANCE_VERSION
from wuyedesk.staffing.models import (
    ClockRecord,
    CorrectionRequest,
    LeaveRequest,
    RosterEntry,
    Shift,
)

versions.bump_on_change(
    ATTENDANCE_VERSION, Shift, RosterEntry, ClockRecord, LeaveRequest, CorrectionRequest
)
