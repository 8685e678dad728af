"""/api/v1/system: the system administrator's view of the periodic jobs (core/jobs.py);
/api/v1/home: the numbers of the person's home (web/home.py)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.api.schemas import ErrorOut
from wuyedesk.web import jobs
from wuyedesk.web.home import home_numbers

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


home_router = Router(tags=["home"])


class HomeNumberOut(Schema):
    key: str
    label: str
    n: int
    url: str


class HomeNumbersOut(Schema):
    post: str
    numbers: list[HomeNumberOut]


@home_router.get(
    "", response={200: HomeNumbersOut, 401: ErrorOut, 403: ErrorOut}, operation_id="home_numbers"
)
def home(request):
    """The numbers of the person's home, as on the page (issue #12): each with its key, its
    label in the person's language, the number and the page listing exactly those rows
    (`url`; the queue's list in the API is GET /tickets with the same filters). The home is
    that of the person's first post (administrator, manager, executive, supervisor,
    assistant, specialist, department). Staff only."""
    if not is_staff_member(request.auth):
        raise PermissionDenied
    post, numbers = home_numbers(request.auth)
    return {"post": post.value, "numbers": numbers}
