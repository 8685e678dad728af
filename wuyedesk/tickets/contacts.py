"""The caller at intake (SPE-1): finding them by phone, name or room, and recording a new one.

Phone numbers match only in full (normalised digits, exact): a fragment of a number is
never searched, so the lookup cannot be used to enumerate residents' phones (PIPL).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.properties import resources
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.forms import OccupancyForm, ResidentForm
from wuyedesk.properties.models import Occupancy, Resident, Room
from wuyedesk.properties.records import record_save
from wuyedesk.properties.selectors import (
    occupancies_visible_to,
    residents_visible_to,
    room_search,
    rooms_visible_to,
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


def may_create_contacts(user) -> bool:
    return has_post(user, *resources.residents.write_posts)


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


def contact_lookup(user, text: str, limit: int = LOOKUP_LIMIT) -> Lookup:
    """Residents (with their current households) and rooms (with who lives there) for what
    was typed: a full phone number, part of a name, or a room ("3栋 1502"). Bounded: a
    constant number of queries, however many match."""
    text = (text or "").strip()[:60]
    found = Lookup(text=text)
    if not text:
        return found
    residents = residents_visible_to(user).filter(archived_at__isnull=True)
    digits = normalize_phone(text)
    if digits.isdigit() and len(digits) >= MIN_PHONE_DIGITS:
        residents = residents.filter(phone=digits)
        rooms = Room.objects.none()
    else:
        residents = residents.none() if digits.isdigit() else residents.filter(name__icontains=text)
        rooms = room_search(user, text)
    found.residents = list(
        residents.prefetch_related(_current_households(user)).order_by("name", "id")[: limit + 1]
    )
    found.rooms = list(rooms.prefetch_related(_current_occupants())[: limit + 1])
    found.more = len(found.residents) > limit or len(found.rooms) > limit
    found.residents, found.rooms = found.residents[:limit], found.rooms[:limit]
    return found


def parse_id(value) -> int | None:
    """An id from a form or query string; garbage is a 404, as for an id out of scope."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def contact_pick(user, *, resident_id=None, room_id=None) -> tuple[Resident | None, Room | None]:
    """The resident and room chosen at intake, fetched within the user's scope (404 outside)."""
    resident = room = None
    resident_id, room_id = parse_id(resident_id), parse_id(room_id)
    if resident_id:
        resident = get_object_or_404(
            residents_visible_to(user).filter(archived_at__isnull=True), pk=resident_id
        )
    if room_id:
        room = get_object_or_404(
            rooms_visible_to(user).filter(archived_at__isnull=True), pk=room_id
        )
    return resident, room


def _as_validation_error(form) -> ValidationError:
    return ValidationError(form.errors.as_data())


def contact_create(
    *,
    by,
    name: str,
    phone: str,
    community=None,
    room: Room | None = None,
    role: str = OccupancyRole.OWNER,
) -> Resident:
    """A caller not on file yet: a Resident (and their household, when the room is known),
    written through the generic record service so that it is permission-checked and audited
    like any resident created on the residents' pages. Raises ValidationError by field."""
    if not may_create_contacts(by):
        raise PermissionDenied
    if room is not None:
        community = room.community
    if community is None:
        raise ValidationError(
            {"room": ValidationError(_("请选择房屋或所属小区。"), code="required")}
        )
    digits = normalize_phone(phone)
    known = (
        residents_visible_to(by)
        .filter(phone=digits, archived_at__isnull=True)
        .values_list("name", flat=True)
        .first()
        if digits
        else None
    )
    if known is not None:
        raise ValidationError(
            {
                "phone": ValidationError(
                    _("该电话已登记为住户“%(name)s”,请在上方查找并选择。"),
                    code="duplicate",
                    params={"name": known},
                )
            }
        )
    with transaction.atomic():
        form = ResidentForm({"name": name, "phone": phone, "community": community.pk}, user=by)
        try:
            resident = record_save(by=by, resource=resources.residents, form=form)
        except FormInvalid as invalid:
            raise _as_validation_error(invalid.form) from None
        if room is not None:
            household = OccupancyForm(
                {"resident": resident.pk, "room": room.pk, "role": role}, user=by
            )
            try:
                record_save(by=by, resource=resources.occupancies, form=household)
            except FormInvalid as invalid:
                raise _as_validation_error(invalid.form) from None
    return resident
