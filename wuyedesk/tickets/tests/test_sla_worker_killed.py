"""Periodic jobs survive a dead worker (#11): a real worker (`wuyedesk worker`, a huey
consumer) is stopped by SIGKILL or SIGTERM while the SLA sweep holds its lock; started again,
its next sweep marks the overdue inquiry and notifies the manager once.

The worker runs on the test's own database (committed: transaction=True) with a temporary
WUYEDESK_HOME for its huey queue and cache; wuyedesk/testing_worker.py holds the sweep inside
its lock while the file hold-sla-sweep exists. Nothing here sleeps: each step waits for a
condition, with a deadline, by waiting on the worker process itself.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from wuyedesk.core.models import PeriodicJob
from wuyedesk.notifications.models import Notification
from wuyedesk.tickets.choices import EventKind

DEADLINE_SECONDS = 45  # for each step of a worker; a loaded machine takes seconds to start one


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = f"{quote(db['USER'] or '', safe='')}:{quote(db['PASSWORD'] or '', safe='')}@"
    host = quote(db["HOST"] or "localhost", safe="")  # a socket directory too
    return f"postgres://{auth}{host}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, home, number):
        self.log_path = home / f"worker-{number}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "wuyedesk.testing_worker",
            "WUYEDESK_HOME": str(home),
            "DATABASE_URL": _database_url(),
            "HUEY_SHUTDOWN_SECONDS": "1",
            "HUEY_LOG_LEVEL": "INFO",
        }
        for name in ("REDIS_URL", "HUEY_IMMEDIATE", "WUYEDESK_PRODUCTION"):
            env.pop(name, None)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "wuyedesk.cli", "worker"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, condition, what: str):
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"the worker did not {what} in {DEADLINE_SECONDS} s:\n{self.log}")
            try:
                code = self.process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the worker exited ({code}) before it could {what}:\n{self.log}")

    def stop(self, signum):
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=DEADLINE_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker did not stop on {signal.Signals(signum).name}:\n{self.log}")


@pytest.fixture
def workers(tmp_path):
    started = []

    def start():
        started.append(Worker(tmp_path, len(started) + 1))
        return started[-1]

    yield start
    for worker in started:  # before the database is emptied
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()


def _sweep() -> PeriodicJob:
    return PeriodicJob.objects.get(name="sla-sweep")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_worker_killed_during_the_sweep_the_next_worker_sweeps_and_notifies_once(
    world, call, tmp_path, workers, stop
):
    inquiry = call(contact_at=timezone.now() - dt.timedelta(hours=25))
    hold = tmp_path / "hold-sla-sweep"
    hold.touch()

    first = workers()
    first.wait_for((tmp_path / "holding-sla-sweep").exists, "hold the sweep's lock")
    held = _sweep()
    assert held.lock_token and held.lock_pid == first.process.pid
    first.stop(stop)
    # SIGTERM lets running jobs finish for HUEY_SHUTDOWN_SECONDS; this one does not.
    assert _sweep().lock_token == held.lock_token, "the lock outlived its worker"
    inquiry.refresh_from_db()
    assert inquiry.overdue_since is None

    hold.unlink()
    second = workers()
    second.wait_for(
        lambda: _sweep().last_finished_at is not None, "finish a sweep after the restart"
    )
    second.stop(signal.SIGTERM)

    assert "cleared the lock left by" in second.log
    swept = _sweep()
    assert not swept.lock_token and swept.last_finished_at > held.locked_at
    inquiry.refresh_from_db()
    assert inquiry.overdue_since is not None
    assert inquiry.events.filter(kind=EventKind.DEADLINE_MISSED).count() == 1
    assert Notification.objects.filter(user=world.manager, kind="overdue").count() == 1
