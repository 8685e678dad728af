"""The global search's API (issue #12 point 4): GET and POST /api/v1/search."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from wuyedesk.tickets import rows
from wuyedesk.tickets.api import ERRORS, require_staff
from wuyedesk.tickets.schemas import TicketOut
from wuyedesk.tickets.services.search import search_is_private, search_run


class SearchIn(Schema):
    q: str = Field(
        ...,
        max_length=200,
        description="a ticket number, a full phone number, a name, a room "
        "or words of the tickets' text",
    )


class HouseholdHit(Schema):
    room_id: int
    address: str
    role: str


class ResidentHit(Schema):
    id: int
    name: str
    masked_phone: str
    community: str
    rooms: list[HouseholdHit]


class OccupantHit(Schema):
    resident_id: int
    name: str
    role: str


class RoomHit(Schema):
    id: int
    address: str
    occupants: list[OccupantHit]


class SearchOut(BaseModel):
    q: str
    mode: Literal["number", "phone", "name", "text"] = Field(
        description="name: one character (a surname), searched among residents' names only; "
        "tickets are searched by text from two characters"
    )
    tickets: list[TicketOut]
    more_tickets: bool = Field(description="more tickets matched than listed (newest first)")
    residents: list[ResidentHit]
    rooms: list[RoomHit]
    more_people: bool = Field(description="more residents or rooms matched than listed")


search_router = Router(tags=["search"])


def _search(request, q: str) -> dict:
    require_staff(request)
    try:
        found = search_run(request.auth, q)
    except ValidationError as error:
        raise ValidationError({"q": error.error_list}) from error
    people = found.people
    return {
        "q": found.text,
        "mode": found.mode,
        "tickets": rows.list_items(found.ticket_ids),
        "more_tickets": found.more_tickets,
        "residents": [
            {
                "id": r.pk,
                "name": r.name,
                "masked_phone": r.masked_phone,
                "community": r.community.name,
                "rooms": [
                    {"room_id": h.room_id, "address": h.room.address, "role": h.get_role_display()}
                    for h in r.households
                ],
            }
            for r in people.residents
        ],
        "rooms": [
            {
                "id": room.pk,
                "address": room.address,
                "occupants": [
                    {
                        "resident_id": o.resident_id,
                        "name": o.resident.name,
                        "role": o.get_role_display(),
                    }
                    for o in room.occupants
                ],
            }
            for room in people.rooms
        ],
        "more_people": people.more,
    }


@search_router.post("", response={200: SearchOut, **ERRORS}, operation_id="search")
def search_post(request, payload: SearchIn):
    """One search over everything the caller may see, grouped: tickets (newest first, at
    most 20), residents and rooms (at most 8 each; phones masked). A ticket number, a full
    phone number, a name, a room or words. Phone numbers go here, in the body: a phone search
    is in the access log as the fact of a search (`search`), never the number."""
    return SearchOut.model_validate(_search(request, payload.q))


@search_router.get("", response={200: SearchOut, **ERRORS}, operation_id="search_get")
def search_get(request, q: str = Query(..., max_length=200)):
    """The same search for text that cannot be personal data (a URL to share). A phone
    number in the URL is refused (`422`, code `phone_in_url`): POST it instead."""
    require_staff(request)
    if search_is_private(q):
        raise ValidationError(
            {"q": ValidationError(_("电话号码请用 POST 提交,不要放进网址。"), code="phone_in_url")}
        )
    return SearchOut.model_validate(_search(request, q))
