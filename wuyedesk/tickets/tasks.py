from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.core.jobs import MINUTE, periodic_job
from wuyedesk.tickets import sla


@periodic_job("sla-sweep", crontab(minute="*"), every=MINUTE, label=_("服务时限巡检"))
def sla_sweep_task():
    """Every minute. The lock saves work; correctness does not depend on it (see sla.py)."""
    return sla.sweep()
