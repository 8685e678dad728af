"""What the core keeps in the database: the state of each periodic job (core/jobs.py) and
which worker runs the periodic scheduler (core/scheduler.py)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """One row per periodic job: when it last started, finished and failed, and its lock.

    In the database, not the cache, so that it survives restarts and is the same for every
    worker and web process (the administrator's page reads it).
    """

    name = models.CharField(_("名称"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    last_started_at = models.DateTimeField(_("最近开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("最近完成"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("最近失败"), null=True, blank=True)
    # The exception's class name only: its message may hold personal data.
    last_error = models.CharField(_("最近错误"), max_length=200, blank=True)
    # The lock: empty token = free. Who holds it (machine, process id, a token of the
    # process) and until when; see core/jobs.py.
    lock_token = models.CharField(max_length=32, blank=True)
    lock_host = models.CharField(max_length=255, blank=True)
    lock_pid = models.IntegerField(null=True, blank=True)
    lock_process = models.CharField(max_length=32, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    lock_expires_at = models.DateTimeField(null=True, blank=True)
    # When the worker last logged that this job has not finished for too long.
    alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchedulerLease(models.Model):
    """Which worker's scheduler enqueues the periodic jobs (core/scheduler.py, issue #17).

    One row. The holder renews it every third of `SCHEDULER_LEASE_SECONDS`; a holder that
    stops renewing (killed, cut off from the database) loses it when it expires, and a
    standby takes it. `last_tick` is the minute whose periodic jobs were last enqueued, so
    that a minute's jobs are enqueued once even across a takeover.
    """

    name = models.CharField(max_length=64, unique=True)
    # "machine pid token" of the holding process; empty: free.
    holder = models.CharField(max_length=320, blank=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)
    renewed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_tick = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name
