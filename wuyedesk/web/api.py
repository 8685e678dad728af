"""/api/v1/system: the system administrator's view of the periodic jobs (core/jobs.py)."""

import datetime as dt

from ninja import Router, Schema

from wuyedesk.api.schemas import ErrorOut
from wuyedesk.web import jobs

router = Router(tags=["system"])


class JobOut(Schema):
    name: str
    label: str
    every_seconds: int
    last_started_at: dt.datetime | None
    last_finished_at: dt.datetime | None
    last_failed_at: dt.datetime | None
    last_error: str
    running: bool
    locked_by: str
    lock_expires_at: dt.datetime | None
    stale: bool


@router.get("/jobs", response={200: list[JobOut], 401: ErrorOut, 403: ErrorOut})
def job_list(request):
    """Every periodic job: when it last started, finished and failed; `stale` when it has
    not finished for PERIODIC_JOB_STALE_PERIODS of its periods. System administrator only."""
    return jobs.job_statuses_for(request.auth)
