"""Finding a caller by phone, name or room (SPE-1): the intake page and the call pop.

Phone numbers match only in full (normalised digits, exact): a fragment of a number is
never searched, so the lookup cannot be used to enumerate residents' phones (PIPL).
"""

from dataclasses import dataclass, field

from django.db.models import F, Prefetch

from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.properties.models import Occupancy, Room
from wuyedesk.properties.selectors import (
    active_residents,
    active_rooms,
    name_search,
    occupancies_visible_to,
    room_search,
)

LOOKUP_LIMIT = 8
# Shorter digit strings are room numbers or fragments, never a phone to match.
MIN_PHONE_DIGITS = 7


@dataclass
class Lookup:
    text: str = ""
    residents: list = field(default_factory=list)  # each with .households (current, visible)
    rooms: list = field(default_factory=list)  # each with .occupants (current)
    more: bool = False  # more matched than shown: type more precisely

    @property
    def empty(self) -> bool:
        return not self.residents and not self.rooms

    @property
    def partial_phone(self) -> bool:
        """Digits that may be the start or end of a phone number: say why nothing matched."""
        digits = normalize_phone(self.text)
        return digits.isdigit() and 4 <= len(digits) < 11 and not self.residents


def _current_households(user):
    return Prefetch(
        "occupancies",
        queryset=occupancies_visible_to(user)
        .filter(move_out__isnull=True)
        .order_by(F("move_in").desc(nulls_last=True), "-id"),
        to_attr="households",
    )


def _current_occupants():
    return Prefetch(
        "occupancies",
        queryset=Occupancy.objects.filter(move_out__isnull=True, resident__archived_at__isnull=True)
        .select_related("resident")
        .order_by("id"),
        to_attr="occupants",
    )


def _typed(text: str) -> str:
    return (text or "").strip()[:60]


def contact_lookup(
    user, text: str, limit: int = LOOKUP_LIMIT, *, with_rooms: bool = True
) -> Lookup:
    """Residents (with their current households) and rooms (with who lives there) for what
    was typed: a full phone number, part of a name, or a room ("3栋 1502"). Bounded: a
    constant number of queries, however many match. `with_rooms=False` leaves rooms out (the
    global search, for text without a digit: no room number in it)."""
    text = _typed(text)
    found = Lookup(text=text)
    if not text:
        return found
    residents = active_residents(user)
    digits = normalize_phone(text)
    if digits.isdigit() and len(digits) >= MIN_PHONE_DIGITS:
        residents = residents.filter(phone=digits)
        rooms = Room.objects.none()
    else:
        residents = residents.none() if digits.isdigit() else name_search(residents, text)
        rooms = room_search(user, text) if with_rooms else Room.objects.none()
    found.residents = list(
        residents.prefetch_related(_current_households(user)).order_by("name", "id")[: limit + 1]
    )
    found.rooms = list(rooms.prefetch_related(_current_occupants())[: limit + 1])
    found.more = len(found.residents) > limit or len(found.rooms) > limit
    found.residents, found.rooms = found.residents[:limit], found.rooms[:limit]
    return found


def contact_by_ids(user, text: str, resident_ids, room_ids, *, more: bool = False) -> Lookup:
    """The Lookup that contact_lookup(user, text) found as `resident_ids` and `room_ids`, read
    again by id within the user's scope, in the same order (the global search keeps what it
    found as ids, never as rows: tickets.global_search.search_everything). No query for
    none."""
    found = Lookup(text=_typed(text), more=more)
    if resident_ids:
        found.residents = list(
            active_residents(user)
            .filter(pk__in=resident_ids)
            .prefetch_related(_current_households(user))
            .order_by("name", "id")
        )
    if room_ids:
        place = {pk: n for n, pk in enumerate(room_ids)}
        rooms = active_rooms(user).filter(pk__in=room_ids).prefetch_related(_current_occupants())
        found.rooms = sorted(rooms, key=lambda room: place[room.pk])
    return found
