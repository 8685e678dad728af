"""/api/v1/audit/access: the access log (PIPL) for the manager and the administrator."""

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.api.schemas import MAX_ID, Day, ErrorOut
from wuyedesk.audit.selectors import access_log_search

router = Router(tags=["audit"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class AccessOut(Schema):
    id: int
    at: str
    actor_id: int | None
    actor: str | None = Field(description="the staff member's name, or the username")
    action: Literal["view", "reveal", "export", "search"]
    object_type: str
    object_id: int | None
    object_label: str
    community_id: int | None
    ip: str | None
    details: dict = Field(description="an export's filter, format and row count")
    changes: dict = Field(description="a reveal's field")

    @staticmethod
    def resolve_at(obj):
        return obj.at.isoformat()

    @staticmethod
    def resolve_actor(obj):
        if obj.actor_id is None:
            return None
        staff = getattr(obj.actor, "staff", None)
        return staff.name if staff is not None else obj.actor.username


class AccessPage(Schema):
    items: list[AccessOut]
    next_cursor: int | None = None


class AccessFilters(Schema):
    actor: int | None = Field(None, ge=1, le=MAX_ID, description="user id of the person")
    person: str | None = Field(None, max_length=150, description="username or staff name")
    resident: int | None = Field(None, ge=1, le=MAX_ID, description="resident id")
    resident_name: str | None = Field(None, max_length=100)
    action: Literal["view", "reveal", "export", "search"] | None = None
    since: Day | None = Field(None, description="first day, company time zone")
    until: Day | None = Field(None, description="last day, company time zone")
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


@router.get("/access", response={200: AccessPage, **ERRORS}, operation_id="access_log_list")
def access_log_list(request, filters: Query[AccessFilters]):
    """Who opened a resident's record, revealed a number or exported a list: when, from
    which address, with what filter and how many rows. Manager and administrator only;
    newest first, paged by `next_cursor`."""
    if not is_staff_member(request.auth):
        raise PermissionDenied
    params = filters.model_dump()
    limit, cursor = params.pop("limit"), params.pop("cursor")
    if params["since"] and params["until"] and params["since"] > params["until"]:
        raise ValidationError({"until": _("截止日期不能早于起始日期。")})
    params = {k: v for k, v in params.items() if v not in (None, "")}
    entries = access_log_search(request.auth, **params)
    if cursor is not None:
        entries = entries.filter(id__lt=cursor)
    rows = list(entries[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "next_cursor": rows[-1].id if more else None}
