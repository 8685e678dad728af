"""Exactly one periodic scheduler across all worker machines (issue #17 point 1).

huey's consumer runs a scheduler beside its workers that enqueues the periodic jobs every
minute. With several worker machines each would enqueue every job every minute: harmless
(core/jobs.py's locks and the jobs' conditional updates make repeated runs do nothing), but
N times the work, and the job status page would show runs from everywhere. So every
`wuyedesk worker` runs its queue workers, but only the holder of a lease enqueues the
periodic jobs; the others stand by and take the lease over when the holder dies.

The lease is the one row of `SchedulerLease` in the database, taken and renewed by
conditional updates (as core/jobs.py takes its locks), rather than a Redis lock or a
PostgreSQL advisory lock:

- an advisory lock lives on a database session, and PgBouncer in transaction mode hands
  sessions around between transactions (docs/operations.md), so it cannot hold one;
- a Redis lock is gone when Redis restarts without persistence, and Redis down would stop
  the scheduler changing hands;
- a row works the same on SQLite (one machine) and PostgreSQL, and tests drive its time.

The holder renews the lease every third of `SCHEDULER_LEASE_SECONDS` (30). A holder
killed with SIGKILL, or cut off from the database, stops renewing: the lease expires at
most `SCHEDULER_LEASE_SECONDS` after its last renewal, and a standby, trying as often,
takes it. A holder whose own view says its lease has expired stops enqueueing even if it
could not reach the database to learn it lost it. A worker stopped with SIGTERM releases
the lease at once, and a worker starting on a machine clears a lease left by a dead
process of the same machine (as core/jobs.py does with job locks). A takeover also releases
the job locks of the process whose lease expired (its queue workers are its threads), so a
sweep it was running when it died does not stop the sweep for PERIODIC_JOB_LOCK_MINUTES.
Clocks of the worker machines must agree to a second or two (NTP; two-factor login needs it
too).

Each minute the holder first claims the minute in the row (`last_tick`, a conditional
update), then enqueues the jobs due in it: a minute's jobs are enqueued once, even when two
processes both believe they hold the lease for a moment. A process that takes the lease
(a takeover, or a worker's start) enqueues the current minute's jobs at once, even if the
old holder had claimed that minute: the old holder may have died before enqueueing them, or
while a job ran. That is at most one extra run of each job per takeover, which the jobs'
own locks and conditional updates make harmless (core/jobs.py). With the default 30 seconds
a standby runs the every-minute jobs within 30 + 10 seconds of the holder's death: well
within two of their periods.
"""

import dataclasses
import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from huey.consumer import Consumer, Scheduler

from wuyedesk.core.jobs import FREE, _alive, _me
from wuyedesk.core.models import PeriodicJob, SchedulerLease

log = logging.getLogger(__name__)

NAME = "periodic-scheduler"


def _identity() -> tuple[str, int, str]:
    host, pid, token = _me()
    return f"{host} {pid} {token}", pid, host


def _lease_row(name: str) -> SchedulerLease:
    try:
        return SchedulerLease.objects.get_or_create(name=name)[0]
    except IntegrityError:  # created by another worker at the same moment
        return SchedulerLease.objects.get(name=name)


@dataclasses.dataclass
class Contender:
    """One process that wants to run the periodic scheduler. `step(now)` is called about
    once a second with the current time; it returns the minute whose periodic jobs this
    process must enqueue now, or None."""

    holder: str
    host: str = ""
    pid: int | None = None
    name: str = NAME
    seconds: int = 0  # SCHEDULER_LEASE_SECONDS when 0
    held_until: dt.datetime | None = None
    next_renewal: dt.datetime | None = None
    last_minute: dt.datetime | None = None
    taken: bool = False  # took the lease at the last renewal (not renewed our own)

    @classmethod
    def of_this_process(cls) -> "Contender":
        holder, pid, host = _identity()
        return cls(holder=holder, host=host, pid=pid)

    @property
    def ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.seconds or settings.SCHEDULER_LEASE_SECONDS)

    def held(self, now: dt.datetime) -> bool:
        """Whether this process holds the lease by its own last renewal."""
        return self.held_until is not None and now < self.held_until

    def renew(self, now: dt.datetime) -> bool:
        """Renew the lease, or take it when it is free or expired. Returns whether held."""
        _lease_row(self.name)
        expires = now + self.ttl
        renewed = SchedulerLease.objects.filter(
            name=self.name, holder=self.holder, expires_at__gt=now
        ).update(renewed_at=now, expires_at=expires)
        if not renewed:
            before = SchedulerLease.objects.get(name=self.name)
            free = Q(holder="") | Q(expires_at__isnull=True) | Q(expires_at__lte=now)
            renewed = SchedulerLease.objects.filter(free, name=self.name).update(
                holder=self.holder,
                host=self.host,
                pid=self.pid,
                acquired_at=now,
                renewed_at=now,
                expires_at=expires,
            )
            if renewed:
                if before.holder and before.holder != self.holder:
                    log.warning(
                        "periodic scheduler: took over from %s (lease expired %s)",
                        before.holder,
                        before.expires_at,
                    )
                    release_job_locks_of(before.holder)
                else:
                    log.info("periodic scheduler: this worker runs the periodic jobs")
            elif self.held_until is not None:
                log.warning("periodic scheduler: lost the lease to %s", before.holder)
        self.taken = bool(renewed) and self.held_until is None
        self.held_until = expires if renewed else None
        self.next_renewal = now + self.ttl / 3
        return bool(renewed)

    def claim_minute(self, minute: dt.datetime, now: dt.datetime, *, again=False) -> bool:
        """Claim `minute` for enqueueing: only while holding the lease, once per minute
        (`again`: also when the previous holder had claimed it)."""
        later = Q(last_tick__lte=minute) if again else Q(last_tick__lt=minute)
        not_done = Q(last_tick__isnull=True) | later
        return bool(
            SchedulerLease.objects.filter(
                not_done, name=self.name, holder=self.holder, expires_at__gt=now
            ).update(last_tick=minute)
        )

    def step(self, now: dt.datetime) -> dt.datetime | None:
        if self.next_renewal is None or now >= self.next_renewal:
            self.renew(now)
        if not self.held(now):
            return None
        minute = now.replace(second=0, microsecond=0)
        again, self.taken = self.taken, False
        if minute == self.last_minute and not again:
            return None
        self.last_minute = minute
        return minute if self.claim_minute(minute, now, again=again) else None

    def release(self) -> None:
        if SchedulerLease.objects.filter(name=self.name, holder=self.holder).update(
            holder="", expires_at=None
        ):
            log.info("periodic scheduler: released the lease")
        self.held_until = None


def release_job_locks_of(holder: str) -> list[str]:
    """The job locks (core/jobs.py) held by the process whose lease expired: it stopped
    renewing for SCHEDULER_LEASE_SECONDS, so it is dead or cut off, and its locks would
    otherwise stop its jobs for PERIODIC_JOB_LOCK_MINUTES. Its queue workers are threads of
    the same process, so they carry its identity. Should it only have stalled, a job runs
    twice at once, which the jobs' conditional updates make harmless. Returns the names."""
    try:
        host, pid, token = holder.rsplit(" ", 2)
        pid = int(pid)
    except ValueError:
        return []
    released = []
    held = PeriodicJob.objects.filter(lock_host=host, lock_pid=pid, lock_process=token)
    for row in held.exclude(lock_token=""):
        if PeriodicJob.objects.filter(pk=row.pk, lock_token=row.lock_token).update(**FREE):
            log.warning(
                "periodic job %s: released the lock of %s, whose scheduler lease expired",
                row.name,
                holder,
            )
            released.append(row.name)
    return released


def clear_dead_holder(*, name: str = NAME) -> bool:
    """When a worker starts: free a lease held by a process of this machine that is gone
    (or had our process id: a container's restarted process 1)."""
    host, pid, token = _me()
    row = SchedulerLease.objects.filter(name=name, host=host).exclude(holder="").first()
    if row is None or row.holder.endswith(f" {token}"):
        return False
    if row.pid != pid and _alive(row.pid):
        return False  # another live worker on this machine
    cleared = SchedulerLease.objects.filter(pk=row.pk, holder=row.holder).update(
        holder="", expires_at=None
    )
    if cleared:
        log.warning("periodic scheduler: cleared the lease left by %s", row.holder)
    return bool(cleared)


def _tidy_connection() -> None:
    """As djhuey does around each task: drop a broken or aged connection. The scheduler's
    thread is never inside a transaction; a test's is, and keeps its connection."""
    if not connection.in_atomic_block:
        close_old_connections()


class LeasedScheduler(Scheduler):
    """huey's scheduler (delayed and retried tasks, on every worker) that enqueues the
    periodic jobs only while this process holds the lease."""

    def __init__(self, huey, stop_flag, interval, periodic):
        super().__init__(huey, stop_flag, interval, periodic=False)
        self.leased = periodic
        self.contender = Contender.of_this_process() if periodic else None

    def initialize(self):
        if self.leased:
            try:
                clear_dead_holder()
            except DatabaseError:
                log.exception("periodic scheduler: could not read the lease")
            finally:
                _tidy_connection()

    def loop(self, now=None):
        if self.leased:
            self.tick(timezone.now())
        super().loop(now)

    def tick(self, now: dt.datetime) -> None:
        try:
            minute = self.contender.step(now)
        except DatabaseError:
            # Cannot reach the database: keep what our own view says (held() expires).
            log.exception("periodic scheduler: could not renew the lease")
            self.contender.next_renewal = None
            minute = None
        finally:
            _tidy_connection()
        if minute is not None:
            self.enqueue_periodic_tasks(self._huey_time(minute))

    def _huey_time(self, minute: dt.datetime) -> dt.datetime:
        """The minute as huey's crontabs read it: naive UTC (huey's default) or local."""
        if self.huey.utc:
            return minute.astimezone(dt.UTC).replace(tzinfo=None)
        return minute.astimezone().replace(tzinfo=None)

    def shutdown(self):
        if self.leased:
            try:
                self.contender.release()
            except DatabaseError:
                log.exception("periodic scheduler: could not release the lease")
            finally:
                _tidy_connection()


class LeasedConsumer(Consumer):
    scheduler_class = LeasedScheduler
