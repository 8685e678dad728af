"""Reads of rosters and attendance for other apps and the pages (MGT-1).

`attendance_summary` is what the appraisal reads (issue #16 point 3): the figures of each
person over a period, computed from rosters, clock records, approved leave and approved
corrections with the settings of the regulation version in force on each day, in a constant
number of queries for any number of people.
"""

import datetime as dt

from wuyedesk.staffing.attendance import AttendanceFigures, summary

__all__ = ["AttendanceFigures", "attendance_summary"]


def attendance_summary(
    user_ids, start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> dict[int, AttendanceFigures]:
    """{user id: AttendanceFigures} for the days start..end inclusive; every id asked for is
    in the answer (zeros for a person without roster days). Days whose shift starts after
    `now` (default: the present) are not counted yet."""
    return summary(user_ids, start, end, now=now)
