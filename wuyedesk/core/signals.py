"""Signals of the core (no model imports here: settings modules may connect to them)."""

from django.dispatch import Signal

# Sent by a periodic job once it holds its lock, just before its work (name=the job's name).
# Nothing in WuyeDesk listens; the worker tests hold a job here to kill its worker
# (wuyedesk/testing_worker.py).
periodic_job_started = Signal()
