"""Settings of the worker that tickets/tests/test_sla_worker_killed.py starts and kills.

The production settings (WUYEDESK_HOME, DATABASE_URL and HUEY_SHUTDOWN_SECONDS come from the
test), mail kept in memory, and a hold: while the file `hold-<job>` exists in WUYEDESK_HOME,
that periodic job, once it holds its lock, writes `holding-<job>` (its process id) and waits
for the file to go away, so that a test can kill the worker while the job holds its lock.
"""

import os
import time

from wuyedesk.core.signals import periodic_job_started
from wuyedesk.settings import *  # noqa: F403
from wuyedesk.settings import HOME

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _hold(sender, name, **kwargs):
    marker = HOME / f"hold-{name}"
    if not marker.exists():
        return
    (HOME / f"holding-{name}").write_text(str(os.getpid()))
    while marker.exists():
        time.sleep(0.05)


periodic_job_started.connect(_hold)
