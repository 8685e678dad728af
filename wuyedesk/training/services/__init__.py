"""Training's writes (MGT-4, MGT-5): courses and sessions (courses.py), enrolment and
results (sessions.py), reminders of mandatory trainings due (reminders.py). Each checks
who may do it, validates, writes and audits in one transaction.

`assign_induction` is re-exported here: recruitment calls `training.services.assign_induction`.
"""

from wuyedesk.training.services.sessions import assign_induction

__all__ = ["assign_induction"]
