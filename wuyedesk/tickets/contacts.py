"""The caller at intake (SPE-1): recording a new one (the lookup by phone, name or room is
properties/lookup.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.properties import resources
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.forms import OccupancyForm, ResidentForm
from wuyedesk.properties.models import Resident, Room
from wuyedesk.properties.records import record_save
from wuyedesk.properties.selectors import (
    active_residents,
    active_rooms,
    residents_visible_to,
)


def may_create_contacts(user) -> bool:
    return has_post(user, *resources.residents.write_posts)


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
        resident = get_object_or_404(active_residents(user), pk=resident_id)
    if room_id:
        room = get_object_or_404(active_rooms(user), pk=room_id)
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
