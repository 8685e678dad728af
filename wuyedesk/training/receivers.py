"""What training registers at start-up: its courses are reference data (the induction gate
reads the list of induction courses on every assignment and picker, core/reference.py)."""

from wuyedesk.core import reference
from wuyedesk.training.models import Course

reference.watch(Course)
