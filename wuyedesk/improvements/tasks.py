from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.core.jobs import HOUR, periodic_job
from wuyedesk.improvements import reminders


@periodic_job("improvement-sweep", crontab(minute="7"), every=HOUR, label=_("改进计划提醒"))
def improvement_sweep_task():
    """Hourly. The lock saves work; correctness does not depend on it (see reminders.py)."""
    return reminders.sweep()
