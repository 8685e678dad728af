"""One periodic scheduler across worker machines (core/scheduler.py, issue #17): a lease in
the database, renewed by its holder, taken over by a standby when the holder stops renewing.
Time is driven explicitly: no sleeps."""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading

import pytest
from django.db import DatabaseError
from huey import MemoryHuey

from wuyedesk.core import scheduler
from wuyedesk.core.models import PeriodicJob, SchedulerLease

T0 = dt.datetime(2026, 12, 3, 12, 0, 5, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)


def _run(contenders, start, seconds, *, dead=(), at=None):
    """Step every live contender once a second; the minutes each enqueued, by holder (and in
    `at`, when given, the times at which each enqueued them)."""
    enqueued = {c.holder: [] for c in contenders}
    for i in range(seconds):
        now = start + i * SECOND
        for contender in contenders:
            if contender.holder in dead:
                continue
            minute = contender.step(now)
            if minute is not None:
                enqueued[contender.holder].append(minute)
                if at is not None:
                    at.setdefault(contender.holder, []).append(now)
    return enqueued


@pytest.fixture
def two(db, settings):
    settings.SCHEDULER_LEASE_SECONDS = 30
    a = scheduler.Contender(holder="worker-a 1 aaaa", host="worker-a", pid=1)
    b = scheduler.Contender(holder="worker-b 1 bbbb", host="worker-b", pid=1)
    return a, b


def test_one_of_two_contenders_schedules_each_minute_once(two):
    a, b = two
    enqueued = _run([a, b], T0, 180)
    # a came first and keeps the lease by renewing it; b never enqueues anything.
    assert enqueued[b.holder] == []
    assert enqueued[a.holder] == [
        dt.datetime(2026, 12, 3, 12, minute, tzinfo=dt.UTC) for minute in (0, 1, 2, 3)
    ]
    row = SchedulerLease.objects.get()
    assert row.holder == a.holder and row.expires_at > T0 + 170 * SECOND


def test_the_standby_takes_over_within_two_periods_of_the_holders_death(two, caplog):
    a, b = two
    first = _run([a, b], T0, 20)  # a holds; killed at T0 + 20 s (stops renewing)
    assert first[a.holder] and not first[b.holder]
    killed = T0 + 20 * SECOND
    at = {}
    after = _run([a, b], killed, 120, dead={a.holder}, at=at)
    # a renewed at 12:00:15 for the last time; the lease expired at 12:00:45, when b,
    # trying every 10 s, took it and enqueued the current minute's jobs again (a may have
    # died before they ran), then each later minute once.
    assert at[b.holder][0] == T0 + 40 * SECOND
    assert at[b.holder][0] - killed <= dt.timedelta(seconds=30 + 10)
    assert after[b.holder] == [
        dt.datetime(2026, 12, 3, 12, minute, tzinfo=dt.UTC) for minute in (0, 1, 2)
    ]
    assert "took over from worker-a 1 aaaa" in caplog.text


def test_takeover_time_is_bounded_wherever_the_holder_dies(db, settings):
    """The holder dies at every second of a minute: the standby enqueues an every-minute job
    no later than two periods (120 s) after the death, and no minute is enqueued twice."""
    settings.SCHEDULER_LEASE_SECONDS = 30
    for offset in range(0, 60, 7):
        SchedulerLease.objects.all().delete()
        a = scheduler.Contender(holder=f"a {offset}")
        b = scheduler.Contender(holder=f"b {offset}")
        start = T0 + offset * SECOND
        first = _run([a, b], start, 15)
        killed = start + 15 * SECOND
        at = {}
        after = _run([b], killed, 150, at=at)
        # Each minute once, but the takeover's minute once more.
        assert len(after[b.holder]) == len(set(after[b.holder]))
        assert len(set(first[a.holder]) & set(after[b.holder])) <= 1
        assert SchedulerLease.objects.get().acquired_at - killed <= dt.timedelta(seconds=40)
        # b enqueued its first every-minute job at most two periods after a's death.
        assert at[b.holder][0] - killed <= dt.timedelta(seconds=120)


def test_a_takeover_releases_the_job_locks_of_the_process_whose_lease_expired(two):
    """worker-a died inside the sweep: its lock would stop the sweep for 15 minutes."""
    a, b = two
    a.step(T0)
    host, pid, token = a.holder.split(" ")
    lock = {"locked_at": T0, "lock_expires_at": T0 + dt.timedelta(minutes=15)}
    PeriodicJob.objects.create(
        name="sla-sweep", lock_token="t1", lock_host=host, lock_pid=pid, lock_process=token, **lock
    )
    PeriodicJob.objects.create(  # a live worker of another machine keeps its lock
        name="mail-poll",
        lock_token="t2",
        lock_host="worker-c",
        lock_pid=1,
        lock_process="c",
        **lock,
    )
    _run([b], T0 + SECOND, 45)  # a stops renewing; b takes over at T0 + 30 s
    assert SchedulerLease.objects.get().holder == b.holder
    assert PeriodicJob.objects.get(name="sla-sweep").lock_token == ""
    assert PeriodicJob.objects.get(name="mail-poll").lock_token == "t2"
    assert scheduler.release_job_locks_of("garbage") == []


def test_a_holder_that_comes_back_finds_the_lease_taken_and_stops(two, caplog):
    a, b = two
    _run([a, b], T0, 5)
    paused = T0 + 5 * SECOND
    _run([b], paused, 60)  # a is stopped (e.g. SIGSTOP, a long GC, cut off): b takes over
    assert SchedulerLease.objects.get().holder == b.holder
    back = _run([a, b], paused + 60 * SECOND, 90)
    assert back[a.holder] == []  # its own view expired; renewal told it the lease is b's
    assert not a.held(paused + 150 * SECOND)
    assert "lost the lease" in caplog.text or a.held_until is None


def test_a_holder_cut_off_from_the_database_stops_when_its_own_view_expires(
    db, settings, monkeypatch
):
    settings.SCHEDULER_LEASE_SECONDS = 30
    active = _Recorder(MemoryHuey(utc=True))
    active.tick(T0)
    assert active.enqueued == [dt.datetime(2026, 12, 3, 12, 0)]

    def unreachable(now):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(active.contender, "renew", unreachable)
    for i in range(1, 120):
        active.tick(T0 + i * SECOND)  # each renewal fails and is logged, nothing raised
    # Its own view of the lease ended 30 s after the last renewal: no more enqueueing,
    # so a standby that took the lease meanwhile is the only scheduler.
    assert active.contender.held(T0 + 29 * SECOND)
    assert not active.contender.held(T0 + 30 * SECOND)
    assert active.enqueued == [dt.datetime(2026, 12, 3, 12, 0)]


def test_a_minute_is_claimed_once_even_by_two_believed_holders(two):
    a, b = two
    a.renew(T0)
    minute = T0.replace(second=0)
    assert a.claim_minute(minute, T0)
    assert not a.claim_minute(minute, T0 + SECOND)
    # b is not the holder: it cannot claim any minute.
    assert not b.claim_minute(minute + dt.timedelta(minutes=1), T0 + SECOND)


def test_released_lease_is_taken_at_once(two):
    a, b = two
    a.step(T0)
    a.release()
    assert b.step(T0 + SECOND) == T0.replace(second=0)  # taken: the minute's jobs again
    assert b.held(T0 + SECOND)
    assert b.step(T0 + 2 * SECOND) is None


def test_a_starting_worker_clears_the_lease_of_a_dead_process_of_its_machine(db):
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    host = socket.gethostname()
    SchedulerLease.objects.create(
        name=scheduler.NAME,
        holder=f"{host} {child.pid} gone",
        host=host,
        pid=child.pid,
        expires_at=T0 + dt.timedelta(days=365),
    )
    assert scheduler.clear_dead_holder()
    assert SchedulerLease.objects.get().holder == ""
    # A live process of another machine keeps its lease.
    SchedulerLease.objects.filter(name=scheduler.NAME).update(
        holder="elsewhere 1 x", host="elsewhere", pid=1
    )
    assert not scheduler.clear_dead_holder()


class _Recorder(scheduler.LeasedScheduler):
    def __init__(self, huey, periodic=True):
        super().__init__(huey, threading.Event(), 1, periodic)
        self.enqueued = []

    def enqueue_periodic_tasks(self, now):
        self.enqueued.append(now)


def test_the_consumers_scheduler_enqueues_periodic_jobs_only_while_it_holds_the_lease(db, settings):
    settings.SCHEDULER_LEASE_SECONDS = 30
    huey = MemoryHuey(utc=True)
    active, standby = _Recorder(huey), _Recorder(huey)
    # Two workers: another process has another identity (machine, pid, token).
    standby.contender = scheduler.Contender(holder="worker-b 7 bbbb", host="worker-b", pid=7)
    for i in range(70):
        active.tick(T0 + i * SECOND)
        standby.tick(T0 + i * SECOND)
    # huey's crontabs read naive UTC datetimes.
    assert active.enqueued == [dt.datetime(2026, 12, 3, 12, 0), dt.datetime(2026, 12, 3, 12, 1)]
    assert standby.enqueued == []
    active.shutdown()  # SIGTERM: the lease is released, the standby takes it at once
    standby.tick(T0 + 71 * SECOND)
    assert standby.contender.held(T0 + 71 * SECOND)
    assert standby.enqueued == [dt.datetime(2026, 12, 3, 12, 1)]
    # A worker started with --no-periodic never contends.
    quiet = _Recorder(huey, periodic=False)
    assert quiet.contender is None


def _settings_in_subprocess(**env) -> dict:
    code = (
        "import json; from wuyedesk import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'cursors': db.get('DISABLE_SERVER_SIDE_CURSORS', False), "
        "'options': db.get('OPTIONS', {}), 'storage': s.STORAGES['default']}, default=str))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "MEDIA_S3"))}
    environ.update(env, SECRET_KEY="x" * 50)
    out = subprocess.run(  # noqa: S603  (our own interpreter, fixed code)
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_transaction_pooling_turns_off_what_cannot_outlive_a_transaction():
    url = "postgres://u@db.example:6432/wuyedesk"
    session = _settings_in_subprocess(DATABASE_URL=url)
    assert session["options"]["server_side_binding"] is True and not session["cursors"]
    pooled = _settings_in_subprocess(DATABASE_URL=url, DB_POOL_MODE="transaction")
    assert pooled["cursors"] is True
    assert "server_side_binding" not in pooled["options"]
    assert "prepare_threshold" not in pooled["options"]
    # PgBouncer 1.21+ with max_prepared_statements: preparing may be asked for explicitly.
    newer = _settings_in_subprocess(
        DATABASE_URL=url, DB_POOL_MODE="transaction", DB_PREPARED_STATEMENTS="1"
    )
    assert newer["cursors"] is True and newer["options"]["server_side_binding"] is True
    # No JIT for the pages' short queries, unless asked; PgBouncer does not pass it on.
    assert session["options"]["options"] == "-c jit=off"
    assert "options" not in pooled["options"]
    assert "options" not in _settings_in_subprocess(DATABASE_URL=url, DB_JIT="1")["options"]


def test_media_go_to_a_private_s3_bucket_when_one_is_named():
    assert _settings_in_subprocess()["storage"]["BACKEND"].endswith("FileSystemStorage")
    s3 = _settings_in_subprocess(
        MEDIA_S3_BUCKET="wuyedesk-media", MEDIA_S3_ENDPOINT_URL="http://127.0.0.1:9000"
    )["storage"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert options["bucket_name"] == "wuyedesk-media"
    assert options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["default_acl"] is None and options["querystring_auth"] is True
