"""The version of the attendance data (core/versions.py): bumped whenever a shift, a roster
entry, a clock record or a leave or correction request is saved or deleted, so that what
is kept in the cache from them (the homes' attendance figures, web/attendance_home.py) is
read again at once."""

from django.db.models.signals import post_delete, post_save

from wuyedesk.core import versions

ATTENDANCE_VERSION = "staffing:attendance"


def _bump(sender, **kwargs):
    versions.bump(ATTENDANCE_VERSION)


def connect():
    from wuyedesk.staffing.models import (
        ClockRecord,
        CorrectionRequest,
        LeaveRequest,
        RosterEntry,
        Shift,
    )

    for model in (Shift, RosterEntry, ClockRecord, LeaveRequest, CorrectionRequest):
        post_save.connect(_bump, sender=model, dispatch_uid=f"attendance-version-save-{model}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"attendance-version-del-{model}")
