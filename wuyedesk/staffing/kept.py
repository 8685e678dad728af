"""The version of the attendance data (core/versions.py): bumped whenever a shift, a roster
entry, a clock record or a leave or correction request is saved or deleted, so that what
is kept in the cache from them (the homes' attendance figures, web/attendance_home.py) is
read again at once."""

from wuyedesk.core import versions

ATTENDANCE_VERSION = "staffing:attendance"


def connect():
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
