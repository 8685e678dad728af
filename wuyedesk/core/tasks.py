"""The worker's own care of its periodic jobs (core/jobs.py)."""

from django.db import close_old_connections
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import HUEY

from wuyedesk.core import jobs


@HUEY.on_startup()
def clear_stale_locks():
    """Each worker of a starting consumer: locks left by a killed worker are cleared."""
    try:
        jobs.jobs_startup()
    finally:
        close_old_connections()


@jobs.periodic_job(
    "job-watchdog",
    crontab(minute="*"),
    every=jobs.MINUTE,
    label=_("定时任务巡查"),
    exclusive=False,
)
def job_watchdog_task():
    """Every minute: an ERROR in the log for each job that has not finished for too long."""
    return jobs.jobs_check()
