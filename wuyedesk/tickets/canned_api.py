"""Canned replies through the API (issue #12 point 7; rules in tickets/canned.py):

- GET/POST /canned-replies, PATCH/DELETE /canned-replies/{id}: one's own and the shared ones
  (`department` set: manager and administrator only);
- GET /tickets/{id}/canned-replies?box=feedback: the replies one may insert, filled for that
  ticket and box (`box`: follow_up, feedback, message, comment, reply, findings).
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema

from wuyedesk.api.schemas import Id
from wuyedesk.properties.selectors import active_departments
from wuyedesk.tickets import canned, selectors
from wuyedesk.tickets.api import ERRORS, pick, require_staff

router = Router(tags=["canned replies"])
ticket_router = Router(tags=["canned replies"])


class CannedOut(Schema):
    id: int
    title: str
    body: str
    department_id: int | None = Field(None, description="shared by this department; or personal")
    personal: bool


class CannedIn(Schema):
    title: str = Field(..., max_length=200, description="≤ 60 characters")
    body: str = Field(
        ...,
        max_length=20000,
        description="≤ 2000 characters; placeholders {客户} {工单号} {期限}, "
        "nothing else in braces",
    )
    department: Id | None = Field(None, description="share with a department (manager, admin)")


class CannedPatch(Schema):
    title: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=20000)


class FilledOut(Schema):
    id: int
    title: str
    text: str = Field(..., description="the body with its placeholders filled for the box")


class BoxQuery(Schema):
    box: Literal[tuple(canned.BOXES)] = "message"


def _user(request):
    require_staff(request)
    if not canned.may_use(request.auth):
        raise PermissionDenied
    return request.auth


@router.get("", response={200: list[CannedOut], **ERRORS}, operation_id="canned_list")
def canned_list(request):
    return list(canned.replies_listed_for(_user(request)).order_by("title", "id"))


@router.post("", response={201: CannedOut, **ERRORS}, operation_id="canned_create")
def canned_create(request, payload: CannedIn):
    user = _user(request)
    department = pick(lambda: active_departments(user), payload.department, "department")
    reply = canned.canned_create(
        by=user, title=payload.title, body=payload.body, department=department
    )
    return 201, reply


@router.patch("/{pk}", response={200: CannedOut, **ERRORS}, operation_id="canned_update")
def canned_update(request, pk: int, payload: CannedPatch):
    user = _user(request)
    reply = canned.reply_get_for_user(user, pk)
    return canned.canned_update(
        by=user,
        reply=reply,
        title=reply.title if payload.title is None else payload.title,
        body=reply.body if payload.body is None else payload.body,
    )


@router.delete("/{pk}", response={204: None, **ERRORS}, operation_id="canned_delete")
def canned_delete(request, pk: int):
    user = _user(request)
    canned.canned_delete(by=user, reply=canned.reply_get_for_user(user, pk))
    return 204, None


@ticket_router.get(
    "/{pk}/canned-replies",
    response={200: list[FilledOut], **ERRORS},
    operation_id="ticket_canned_replies",
)
def ticket_canned_replies(request, pk: int, query: Query[BoxQuery]):
    """The replies you may insert in a box of this ticket, filled as its reader sees them."""
    user = _user(request)
    ticket = selectors.ticket_get_for_user(user, pk)
    return canned.filled_for_ticket(user, ticket, query.box)
