"""What training registers at start-up: its courses are reference data (the induction gate
reads the list of induction courses on every assignment and picker, core/reference.py); every
write to its rows, and to the staff and their posts (who must take which course), bumps its
version, under which the homes keep their training figures (training.selectors.VERSION)."""

from wuyedesk.accounts.models import Staff, StaffPost
from wuyedesk.core import reference, versions
from wuyedesk.training.models import Attendance, Course, Session
from wuyedesk.training.selectors import VERSION

reference.watch(Course)
versions.bump_on_change(VERSION, Course, Session, Attendance, Staff, StaffPost)
