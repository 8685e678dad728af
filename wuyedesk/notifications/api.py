"""/api/v1/notifications: a person's own notices (resident or staff token: `/mine`,
`/mine/read`), and a resident's notification channels (resident token), so that a WeChat
mini-program or a staff client can do what the pages do."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.api.schemas import MAX_ID, ErrorOut
from wuyedesk.notifications import residents, selectors
from wuyedesk.notifications.services import notification_mark_read

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
    text: str = Field(
        ...,
        description="in the requester's language (notices written before "
        "issue #12 point 9: as written)",
    )
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_text(obj) -> str:
        return obj.shown_text


class NoticePage(Schema):
    items: list[NoticeOut]
    next_cursor: int | None = None


class NoticeFilters(Schema):
    limit: int = Field(30, ge=1, le=100)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)
    unread: bool = Field(False, description="only the unread ones")


class ReadIn(Schema):
    ids: list[int] | None = Field(
        None, max_length=100, description="the notices to mark read; omitted: all of them"
    )


class ReadOut(Schema):
    marked: int
    unread: int = Field(..., description="unread notices left (counted up to 100)")


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


def _person(request):
    """A resident with a resident record, or a staff member: whoever has an inbox."""
    user = request.auth
    if getattr(user, "is_resident", False) and user.resident_id is not None:
        return user
    if is_staff_member(user):
        return user
    raise PermissionDenied


@router.get("/mine", response={200: NoticePage, **ERRORS})
def notices(request, filters: Query[NoticeFilters]):
    """The caller's own notices, newest first: a resident's portal notices, or a staff
    member's notifications (the bell of the pages)."""
    user = _person(request)
    rows = selectors.notifications_of(user).order_by("-id")
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    if filters.cursor is not None:
        rows = rows.filter(id__lt=filters.cursor)
    items = list(rows[: filters.limit + 1])
    more = len(items) > filters.limit
    items = items[: filters.limit]
    return {"items": items, "next_cursor": items[-1].id if more else None}


@router.post("/mine/read", response={200: ReadOut, **ERRORS})
def notices_read(request, payload: ReadIn):
    """Mark the caller's own notices read (the ids given, or all); others' ids are ignored."""
    user = _person(request)
    marked = notification_mark_read(user=user, ids=payload.ids)
    return {"marked": marked, "unread": selectors.unread_badge(user, cap=99)}
