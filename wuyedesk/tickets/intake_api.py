"""Intake's duplicate check through the API (issue #12 point 6), mounted at /api/v1/tickets
beside tickets/api.py (docs/api.md, "Likely duplicates"):

- POST /tickets/duplicates: before creating, the open tickets of the same caller in the same
  category within the policy's `duplicate_window_hours` (`possible_duplicates`, empty when
  there is none). Creating stays free: POST /tickets never refuses a duplicate.
- POST /tickets/{id}/repeat-contact: record the call on that ticket instead (the customer's
  words, with `call` linking the call log row as POST /tickets does).
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from wuyedesk.api.schemas import Id, Text, When
from wuyedesk.policies.services import policy
from wuyedesk.properties.models import Room
from wuyedesk.properties.selectors import residents_visible_to
from wuyedesk.tickets import selectors, services
from wuyedesk.tickets.api import (
    ACTION_ERRORS,
    ERRORS,
    _found,
    _unusable,
    _usable,
    pick,
    require_staff,
)
from wuyedesk.tickets.caller_history import likely_duplicates
from wuyedesk.tickets.categories import active_category
from wuyedesk.tickets.intake_calls import call_source, recorded_from
from wuyedesk.tickets.schemas import TicketDetailOut, TicketOut, Version

router = Router(tags=["tickets"])


class DuplicateCheckIn(Schema):
    category: Id
    resident: Id | None = Field(None, description="the caller; or `room`")
    room: Id | None = Field(None, description="the caller's room, when no resident is known")


class DuplicateCheckOut(Schema):
    window_hours: int = Field(..., description="the policy's duplicate_window_hours")
    possible_duplicates: list[TicketOut]


class RepeatContactIn(Schema):
    description: Text = Field(..., min_length=1, description="what the customer said this time")
    channel: Literal["phone", "walk_in", "email"] = "phone"
    contact_at: When | None = Field(None, description="when the customer called; now if absent")
    call: Id | None = Field(None, description="the call log row (as POST /tickets)")
    version: Version | None = None


def _desk(request):
    require_staff(request)
    if not services.may_record_contacts(request.auth):
        raise PermissionDenied
    return request.auth


@router.post(
    "/duplicates", response={200: DuplicateCheckOut, **ERRORS}, operation_id="ticket_duplicates"
)
def ticket_duplicates(request, payload: DuplicateCheckIn):
    """The likely duplicates of a contact about to be recorded (nothing is written)."""
    user = _desk(request)
    resident = pick(
        lambda: residents_visible_to(user).filter(archived_at__isnull=True),
        payload.resident,
        "resident",
    )
    room = _usable(user, Room, payload.room, "room", "community")
    if resident is None and room is None:
        raise _unusable("room", _("请先查找并选择客户或房屋。"))
    category = _found(active_category(payload.category), "category")
    found = likely_duplicates(user, resident=resident, room=room, category=category)
    return {
        "window_hours": policy().duplicate_window_hours,
        "possible_duplicates": found,
    }


@router.post(
    "/{pk}/repeat-contact",
    response={200: TicketDetailOut, **ACTION_ERRORS},
    operation_id="ticket_repeat_contact",
)
def ticket_repeat_contact(request, pk: int, payload: RepeatContactIn):
    """Record the customer's new call on their open ticket instead of a new ticket."""
    user = _desk(request)
    ticket = selectors.ticket_get_for_page(user, pk)
    source = call_source(user, payload.call)
    recorded_from(
        user,
        source,
        lambda: services.ticket_add_contact(
            by=user,
            ticket=ticket,
            description=payload.description,
            channel=payload.channel,
            contact_at=payload.contact_at,
            version=payload.version,
        ),
    )
    return selectors.ticket_get_for_page(user, pk)
