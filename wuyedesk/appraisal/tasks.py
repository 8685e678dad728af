"""The appraisal's jobs: the quarter's cycle opened by the worker, and its computation."""

from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.appraisal.services.cycles import compute_cycle_task, open_due  # noqa: F401
from wuyedesk.core.jobs import HOUR, periodic_job


@periodic_job("appraisal-open", crontab(minute="15", hour="*"), every=HOUR, label=_("季度考核开启"))
def appraisal_open_task():
    """Hourly: once a quarter has ended, its cycle is opened (once) and computed."""
    cycle = open_due()
    return cycle.pk if cycle else None
