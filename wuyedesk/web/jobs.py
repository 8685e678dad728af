"""The system administrator's view of the periodic jobs (core/jobs.py), page and API alike."""

import datetime as dt

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.core.jobs import JobStatus, job_statuses


def job_statuses_for(user, *, now: dt.datetime | None = None) -> list[JobStatus]:
    """The page and API of periodic jobs: the system administrator's."""
    require_post(user, Post.ADMIN)
    return job_statuses(now=now)
