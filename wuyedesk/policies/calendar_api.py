"""/api/v1/policies/calendar: the company's own calendar days (issue #14 point 5).

Read by the administrator, the manager and executives; added and removed by the
administrator. Errors as api/errors.py says: 403 for another post, 404 for an unknown day,
422 naming the field for bad input (nothing saved).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from wuyedesk.accounts.access import has_post
from wuyedesk.api.schemas import ErrorOut
from wuyedesk.policies.calendar_services import (
    CALENDAR_READERS,
    calendar_day_add,
    calendar_day_remove,
    calendar_days,
)
from wuyedesk.policies.models import CalendarDay

router = Router(tags=["policies"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CalendarDayOut(Schema):
    id: int
    date: dt.date
    working: bool = Field(..., description="true: an extra working day; false: a day off")
    name: str
    name_en: str


class CalendarDayIn(Schema):
    date: dt.date
    working: bool = Field(..., description="true: an extra working day; false: a day off")
    name: str = Field(..., max_length=40)
    name_en: str = Field("", max_length=60)


def _require_reader(request):
    if not has_post(request.auth, *CALENDAR_READERS):
        raise PermissionDenied


@router.get("/days", response={200: list[CalendarDayOut], **ERRORS}, operation_id="calendar_days")
def calendar_days_list(request):
    """The company's days off and extra working days, soonest first."""
    _require_reader(request)
    return list(calendar_days())


@router.post("/days", response={201: CalendarDayOut, **ERRORS}, operation_id="calendar_day_add")
def calendar_day_create(request, payload: CalendarDayIn):
    """Add a day off (typhoon, local holiday) or an extra working day (administrator)."""
    return Status(201, calendar_day_add(by=request.auth, **payload.dict()))


@router.delete("/days/{pk}", response={204: None, **ERRORS}, operation_id="calendar_day_remove")
def calendar_day_delete(request, pk: int):
    """Remove a company day (administrator)."""
    _require_reader(request)
    day = get_object_or_404(CalendarDay, pk=pk)
    calendar_day_remove(by=request.auth, day=day)
    return Status(204, None)
