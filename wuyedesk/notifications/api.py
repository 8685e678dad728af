"""/api/v1/notifications: a resident's own notices and notification channels (resident token),
so that a WeChat mini-program can do what the portal's pages do."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from wuyedesk.api.schemas import MAX_ID, ErrorOut
from wuyedesk.notifications import residents

router = Router(tags=["notifications"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PreferencesOut(Schema):
    portal: bool
    email: bool
    webhook: bool
    email_available: bool = Field(..., description="an e-mail address is on file")
    webhook_available: bool = Field(..., description="an SMS/WeChat gateway is configured")


class PreferencesIn(Schema):
    portal: bool
    email: bool
    webhook: bool


class NoticeOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NoticePage(Schema):
    items: list[NoticeOut]
    next_cursor: int | None = None


class NoticeFilters(Schema):
    limit: int = Field(30, ge=1, le=100)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


def _resident(request):
    user = request.auth
    if not getattr(user, "is_resident", False) or user.resident_id is None:
        raise PermissionDenied
    return user.resident


def _out(resident) -> dict:
    return {
        **residents.preferences_of(resident),
        "email_available": bool(resident.email),
        "webhook_available": residents.webhook_enabled(),
    }


@router.get("/preferences", response={200: PreferencesOut, **ERRORS})
def preferences_get(request):
    """The channels the resident is told on (defaults until they choose)."""
    return _out(_resident(request))


@router.put("/preferences", response={200: PreferencesOut, **ERRORS})
def preferences_put(request, payload: PreferencesIn):
    """Choose the channels. E-mail needs an address on file; SMS/WeChat a configured gateway:
    otherwise 422 naming the field (code no_email / unavailable)."""
    resident = _resident(request)
    residents.preferences_update(by=request.auth, **payload.model_dump())
    resident.refresh_from_db()
    return _out(resident)


@router.get("/mine", response={200: NoticePage, **ERRORS})
def notices(request, filters: Query[NoticeFilters]):
    """The resident's own notices, newest first."""
    _resident(request)
    rows = residents.resident_notifications(request.auth)
    if filters.cursor is not None:
        rows = rows.filter(id__lt=filters.cursor)
    items = list(rows[: filters.limit + 1])
    more = len(items) > filters.limit
    items = items[: filters.limit]
    return {"items": items, "next_cursor": items[-1].id if more else None}
