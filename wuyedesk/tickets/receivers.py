"""What tickets registers at start-up (core/appconfig.py)."""

from wuyedesk.core import reference, versions
from wuyedesk.tickets.assignments.selectors import VERSION as TASKS_VERSION
from wuyedesk.tickets.models import Category, Task

reference.watch(Category)
versions.bump_on_change(TASKS_VERSION, Task)
