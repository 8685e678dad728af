"""The version of the attendance data (core/versions.py): bumped whenever a shift, a roster
entry, a clock record or a leave or correction request is saved or deleted
(staffing/receivers.py), so that what is kept in the cache from them (the homes' attendance
figures, web/attendance_home.py) is read again at once."""

ATTENDANCE_VERSION = "staffing:attendance"
