"""Periodic jobs: a lock that cannot outlive the worker that took it, and when each job ran.

Every periodic job is declared with `periodic_job` (in its app's tasks.py). The work itself
is idempotent (DESIGN.md: each job claims its rows with a conditional update), so the lock
only saves work; but a lock that is never released stops the job for good, silently.

Why not huey's `lock_task`: huey 3.5's TaskLock is a key in huey's storage with no owner
and, on SQLite storage, no expiry (`put_if_empty` refuses a ttl; on Redis a ttl needs hash
field expiry, Redis 7.4+). A worker killed with SIGKILL, or stopped with SIGTERM while a
job runs (the job's thread dies with the process and its `finally` never runs), leaves the
key behind and every later run of that job is skipped. huey's consumer can flush locks when
it starts, but only then: a worker that dies on one machine and does not come back keeps
the lock for the others forever, and a flush at start also frees the lock of a live worker
on another machine.

So the lock is a row of `PeriodicJob` in the database, taken and released by conditional
updates (as sla.py claims tickets: the same on SQLite and PostgreSQL, with any number of
workers). It records who took it (machine, process id, a token of the process) and holds
until `PERIODIC_JOB_LOCK_MINUTES` have passed (longer than any run takes); after that it is
anybody's. A consumer starting (`jobs_startup`, a huey startup hook in core/tasks.py)
clears at once the locks that processes of its own machine left behind: the process is
gone, or it had our own process id (a container's restarted process 1).

The same row says when the job last started, finished and failed: the administrator's
page (/system/jobs/, GET /api/v1/system/jobs) shows it, and `jobs_check` (every minute in
the worker) logs an ERROR for a job that has not finished for
`PERIODIC_JOB_STALE_PERIODS` of its periods.
"""

import dataclasses
import datetime as dt
import functools
import logging
import os
import secrets
import socket

from django.conf import settings
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY, db_periodic_task

from wuyedesk.core.models import PeriodicJob
from wuyedesk.core.signals import periodic_job_started

log = logging.getLogger(__name__)

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    label: str  # lazy translation
    every: dt.timedelta  # how often its schedule runs it
    exclusive: bool  # takes the lock (False: runs may overlap, e.g. each row is claimed)


JOBS: dict[str, Job] = {}


def periodic_job(name: str, schedule, *, every: dt.timedelta, label, exclusive: bool = True):
    """A huey periodic task (`schedule` is a huey crontab, which runs it every `every`) that
    takes this module's lock (when `exclusive`) and records its runs in PeriodicJob."""

    def decorator(fn):
        JOBS[name] = Job(name=name, label=label, every=every, exclusive=exclusive)

        @functools.wraps(fn)
        def run():
            return run_job(name, fn)

        return db_periodic_task(schedule)(run)

    return decorator


def all_jobs() -> list[Job]:
    """Every job declared in an app's tasks.py (the web process imports them here)."""
    autodiscover_modules("tasks")
    return sorted(JOBS.values(), key=lambda job: job.name)


# --- the lock -------------------------------------------------------------------------

_process = {"pid": None, "token": ""}


def _me() -> tuple[str, int, str]:
    """(machine, process id, token of this process); a forked child gets a token of its own."""
    pid = os.getpid()
    if _process["pid"] != pid:
        _process.update(pid=pid, token=secrets.token_hex(8))
    return socket.gethostname()[:255], pid, _process["token"]


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but alive
    return True


FREE = {
    "lock_token": "",
    "lock_host": "",
    "lock_pid": None,
    "lock_process": "",
    "locked_at": None,
    "lock_expires_at": None,
}


def _row(name: str) -> PeriodicJob:
    try:
        return PeriodicJob.objects.get_or_create(name=name)[0]
    except IntegrityError:  # created by another worker at the same moment
        return PeriodicJob.objects.get(name=name)


def job_lock_acquire(name: str, *, now: dt.datetime | None = None) -> str | None:
    """Take the job's lock: its token, or None when a live run holds it."""
    now = now or timezone.now()
    before = _row(name)
    host, pid, process = _me()
    token = secrets.token_hex(8)
    free = Q(lock_token="") | Q(lock_expires_at__lte=now)
    taken = PeriodicJob.objects.filter(free, name=name).update(
        lock_token=token,
        lock_host=host,
        lock_pid=pid,
        lock_process=process,
        locked_at=now,
        lock_expires_at=now + dt.timedelta(minutes=settings.PERIODIC_JOB_LOCK_MINUTES),
        last_started_at=now,
    )
    if not taken:
        log.info("periodic job %s skipped: it is still running (%s)", name, _holder(before))
        return None
    if before.lock_token:
        log.warning(
            "periodic job %s: took over the expired lock of %s (taken %s)",
            name,
            _holder(before),
            before.locked_at,
        )
    return token


def _holder(row: PeriodicJob) -> str:
    return f"{row.lock_host} pid {row.lock_pid}" if row.lock_token else "-"


def job_finish(
    name: str, token: str | None, *, error: str = "", now: dt.datetime | None = None
) -> None:
    """Record the end of a run and release the lock if the run still holds it."""
    now = now or timezone.now()
    status = {"last_failed_at": now, "last_error": error[:200]} if error else {}
    if not error:
        status["last_finished_at"] = now
    if token is None:
        PeriodicJob.objects.filter(name=name).update(**status)
        return
    if not PeriodicJob.objects.filter(name=name, lock_token=token).update(**status, **FREE):
        # The run outlived its lock and another run took it over; that one releases it.
        PeriodicJob.objects.filter(name=name).update(**status)
        log.warning(
            "periodic job %s ran longer than PERIODIC_JOB_LOCK_MINUTES (%s)",
            name,
            settings.PERIODIC_JOB_LOCK_MINUTES,
        )


SKIPPED = None


def run_job(name: str, fn):
    """Run a periodic job's work under its lock; SKIPPED when another run holds the lock."""
    job = JOBS.get(name) or {job.name: job for job in all_jobs()}[name]
    now = timezone.now()
    if job.exclusive:
        token = job_lock_acquire(name, now=now)
        if token is None:
            return SKIPPED
    else:
        token = None
        _row(name)
        PeriodicJob.objects.filter(name=name).update(last_started_at=now)
    try:
        periodic_job_started.send(sender=PeriodicJob, name=name)
        result = fn()
    except BaseException as error:
        job_finish(name, token, error=type(error).__name__)
        raise
    job_finish(name, token)
    return result


def jobs_startup() -> list[str]:
    """When a consumer starts: a row for every job, and the locks that processes of this
    machine left behind (the process is gone, or had our process id) cleared. Returns the
    names of the jobs whose lock was cleared."""
    jobs = all_jobs()
    PeriodicJob.objects.bulk_create(
        [PeriodicJob(name=job.name) for job in jobs], ignore_conflicts=True
    )
    host, pid, process = _me()
    cleared = []
    held = (
        PeriodicJob.objects.filter(lock_host=host)
        .exclude(lock_token="")
        .exclude(lock_process=process)
    )
    for row in held:
        if row.lock_pid != pid and _alive(row.lock_pid):
            continue  # another live worker on this machine; its lock expires if it hangs
        if PeriodicJob.objects.filter(pk=row.pk, lock_token=row.lock_token).update(**FREE):
            log.warning(
                "periodic job %s: cleared the lock left by %s (taken %s)",
                row.name,
                _holder(row),
                row.locked_at,
            )
            cleared.append(row.name)
    # Locks of huey's lock_task, which these jobs used before (left by a killed worker).
    HUEY.flush_locks(*(job.name for job in jobs))
    return cleared


# --- status ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class JobStatus:
    name: str
    label: str
    every: dt.timedelta
    last_started_at: dt.datetime | None
    last_finished_at: dt.datetime | None
    last_failed_at: dt.datetime | None
    last_error: str
    running: bool
    locked_by: str
    locked_at: dt.datetime | None
    lock_expires_at: dt.datetime | None
    stale: bool

    @property
    def every_seconds(self) -> int:
        return int(self.every.total_seconds())

    @property
    def every_minutes(self) -> int:
        return self.every_seconds // 60


def _status(job: Job, row: PeriodicJob | None, now: dt.datetime) -> JobStatus:
    since = row and (row.last_finished_at or row.created_at)
    limit = job.every * settings.PERIODIC_JOB_STALE_PERIODS
    running = bool(row and row.lock_token and row.lock_expires_at > now)
    return JobStatus(
        name=job.name,
        label=str(job.label),
        every=job.every,
        last_started_at=row and row.last_started_at,
        last_finished_at=row and row.last_finished_at,
        last_failed_at=row and row.last_failed_at,
        last_error=row.last_error if row else "",
        running=running,
        locked_by=_holder(row) if running else "",
        locked_at=row.locked_at if running else None,
        lock_expires_at=row.lock_expires_at if running else None,
        stale=since is None or now - since > limit,
    )


def job_statuses(*, now: dt.datetime | None = None) -> list[JobStatus]:
    """Every declared job with its last runs; `stale`: not finished for
    PERIODIC_JOB_STALE_PERIODS periods (or never, since the first worker started)."""
    now = now or timezone.now()
    rows = {row.name: row for row in PeriodicJob.objects.all()}
    return [_status(job, rows.get(job.name), now) for job in all_jobs()]


def jobs_check(*, now: dt.datetime | None = None) -> list[str]:
    """Log an ERROR for every stale job, once per period of that job (claimed by a
    conditional update, so several workers log it once). Returns the names logged."""
    now = now or timezone.now()
    logged = []
    for status in job_statuses(now=now):
        if not status.stale:
            continue
        due = Q(alerted_at__isnull=True) | Q(alerted_at__lte=now - status.every)
        if PeriodicJob.objects.filter(due, name=status.name).update(alerted_at=now):
            log.error(
                "periodic job %s has not finished since %s (it runs every %s s; "
                "last started %s, last failed %s %s, lock %s)",
                status.name,
                status.last_finished_at or "the worker first started",
                status.every_seconds,
                status.last_started_at,
                status.last_failed_at,
                status.last_error,
                status.locked_by or "free",
            )
            logged.append(status.name)
    return logged


def stale_job_count() -> int:
    return sum(status.stale for status in job_statuses())
