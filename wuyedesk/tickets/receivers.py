"""What tickets registers at start-up (core/appconfig.py)."""

from wuyedesk.core import reference
from wuyedesk.tickets.models import Category

reference.watch(Category)
