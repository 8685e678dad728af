from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from wuyedesk.improvements import reminders


@db_periodic_task(crontab(minute="7"))
@lock_task("improvement-sweep")
def improvement_sweep_task():
    """Hourly. The lock saves work; correctness does not depend on it (see reminders.py)."""
    return reminders.sweep()
