"""Periodic jobs (core/jobs.py): a lock that expires and is cleared when its process is gone,
runs recorded, and an ERROR in the log for a job that has not finished for several periods."""

import datetime as dt
import logging
import os
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone

from wuyedesk.core import jobs
from wuyedesk.core.models import PeriodicJob


def _held_by(name, *, host=None, pid, at, process="gone"):
    jobs._row(name)
    PeriodicJob.objects.filter(name=name).update(
        lock_token="old",
        lock_host=host or socket.gethostname(),
        lock_pid=pid,
        lock_process=process,
        locked_at=at,
        lock_expires_at=at + dt.timedelta(minutes=15),
    )


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", ""])
    child.wait()
    return child.pid


def test_a_run_takes_the_lock_records_its_end_and_releases(db):
    calls = []
    assert jobs.run_job("sla-sweep", lambda: calls.append(1) or "done") == "done"
    row = PeriodicJob.objects.get(name="sla-sweep")
    assert calls == [1]
    assert row.lock_token == "" and row.last_finished_at >= row.last_started_at
    assert row.last_failed_at is None


def test_a_failed_run_is_recorded_by_its_error_class_and_releases_the_lock(db):
    def broken():
        raise ConnectionRefusedError("imap.example.com 13800138000")

    with pytest.raises(ConnectionRefusedError):
        jobs.run_job("mail-poll", broken)
    row = PeriodicJob.objects.get(name="mail-poll")
    assert row.lock_token == ""
    assert row.last_error == "ConnectionRefusedError"  # never the message (personal data)
    assert row.last_failed_at is not None and row.last_finished_at is None


def test_a_live_lock_skips_the_run_and_an_expired_one_is_taken_over(db, settings, caplog):
    settings.PERIODIC_JOB_LOCK_MINUTES = 15
    now = timezone.now()
    other_machine = {"host": "worker-2.example", "pid": os.getpid(), "process": "other"}
    _held_by("sla-sweep", at=now, **other_machine)
    assert jobs.job_lock_acquire("sla-sweep", now=now + dt.timedelta(minutes=14)) is None

    caplog.set_level(logging.WARNING, logger="wuyedesk.core.jobs")
    token = jobs.job_lock_acquire("sla-sweep", now=now + dt.timedelta(minutes=15))
    assert token
    row = PeriodicJob.objects.get(name="sla-sweep")
    assert row.lock_token == token and row.lock_host == socket.gethostname()
    assert row.lock_expires_at == now + dt.timedelta(minutes=30)
    assert "took over the expired lock of worker-2.example" in caplog.text


def test_a_run_that_outlived_its_lock_does_not_release_the_next_runs_lock(db):
    first = jobs.job_lock_acquire("sla-sweep", now=timezone.now() - dt.timedelta(hours=1))
    second = jobs.job_lock_acquire("sla-sweep")
    jobs.job_finish("sla-sweep", first)
    row = PeriodicJob.objects.get(name="sla-sweep")
    assert row.lock_token == second and row.last_finished_at is not None


def test_a_starting_worker_clears_the_locks_of_gone_processes_of_its_machine(db, caplog):
    now = timezone.now()
    _held_by("sla-sweep", pid=_dead_pid(), at=now)  # killed worker
    _held_by("mail-poll", pid=os.getpid(), at=now, process="earlier")  # restarted pid 1
    _held_by("survey-reminders", pid=os.getppid(), at=now)  # another live worker here
    _held_by("improvement-sweep", host="worker-2.example", pid=_dead_pid(), at=now)

    caplog.set_level(logging.WARNING, logger="wuyedesk.core.jobs")
    assert sorted(jobs.jobs_startup()) == ["mail-poll", "sla-sweep"]
    held = dict(PeriodicJob.objects.values_list("name", "lock_token"))
    assert held["sla-sweep"] == held["mail-poll"] == ""
    assert held["survey-reminders"] == held["improvement-sweep"] == "old"  # left to expiry
    assert "sla-sweep: cleared the lock left by" in caplog.text
    # Every declared job has its row from the start, so a job that never runs shows up.
    assert set(held) == {job.name for job in jobs.all_jobs()}


def test_a_starting_worker_flushes_the_huey_locks_these_jobs_used_before(db):
    from huey.contrib.djhuey import HUEY

    HUEY.put_if_empty("wuyedesk.lock.sla-sweep", "1")  # what a killed huey lock_task left
    jobs.jobs_startup()
    assert not HUEY.storage.has_data_for_key("wuyedesk.lock.sla-sweep")


def test_a_job_not_finished_for_several_periods_is_logged_once_per_period(db, settings, caplog):
    settings.PERIODIC_JOB_STALE_PERIODS = 3
    jobs.jobs_startup()
    start = timezone.now()
    PeriodicJob.objects.update(created_at=start, last_finished_at=start)
    caplog.set_level(logging.ERROR, logger="wuyedesk.core.jobs")
    assert jobs.jobs_check(now=start + dt.timedelta(minutes=3)) == []

    later = start + dt.timedelta(minutes=3, seconds=1)
    assert set(jobs.jobs_check(now=later)) == {
        "announcements-due",
        "job-watchdog",
        "mail-poll",
        "policy-switch",
        "sla-sweep",
    }
    assert "periodic job sla-sweep has not finished since" in caplog.text
    assert jobs.jobs_check(now=later + dt.timedelta(seconds=30)) == []  # once per period
    assert "sla-sweep" in jobs.jobs_check(now=later + dt.timedelta(minutes=1))
    hourly = jobs.jobs_check(now=start + dt.timedelta(hours=3, minutes=1))
    assert {"improvement-sweep", "survey-campaign", "survey-reminders"} <= set(hourly)


def test_a_finished_run_makes_the_job_fresh_again(db, settings):
    jobs.jobs_startup()
    # long enough ago for every job to be stale, the monthly archive list included
    PeriodicJob.objects.update(created_at=timezone.now() - dt.timedelta(days=100))
    assert {s.name for s in jobs.job_statuses() if s.stale} == {j.name for j in jobs.all_jobs()}
    jobs.run_job("sla-sweep", lambda: None)
    stale = {s.name for s in jobs.job_statuses() if s.stale}
    assert "sla-sweep" not in stale and "mail-poll" in stale


def test_the_cron_commands_run_under_the_lock_and_are_recorded(db, capsys):
    call_command("sla-sweep", "--once")
    assert PeriodicJob.objects.get(name="sla-sweep").last_finished_at is not None
    _held_by("sla-sweep", host="worker-2.example", pid=1, at=timezone.now())
    call_command("sla-sweep", "--once")
    assert "skipped: another sweep is running" in capsys.readouterr().out


def test_the_jobs_command_lists_the_jobs_and_fails_while_one_is_stale(db, capsys):
    from django.core.management.base import CommandError

    jobs.jobs_startup()
    for job in jobs.all_jobs():
        jobs.run_job(job.name, lambda: None)
    call_command("jobs")
    assert "sla-sweep" in capsys.readouterr().out

    PeriodicJob.objects.filter(name="mail-poll").update(
        created_at=timezone.now() - dt.timedelta(hours=1), last_finished_at=None
    )
    with pytest.raises(CommandError, match=r"stale periodic jobs: mail-poll$"):
        call_command("jobs")
    assert "mail-poll            -                    " in capsys.readouterr().out
