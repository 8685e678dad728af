from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from wuyedesk.tickets import sla


@db_periodic_task(crontab(minute="*"))
@lock_task("sla-sweep")
def sla_sweep_task():
    """Every minute. The lock saves work; correctness does not depend on it (see sla.py)."""
    return sla.sweep()
