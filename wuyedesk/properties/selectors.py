"""Reads of estates and people, scoped to what the user may see. Views never query by hand."""

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from wuyedesk.accounts.access import (
    community_ids,
    in_scope,
    is_staff_member,
    scope_to_communities,
    staff_of,
)
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.lib.statements import Statement, is_key
from wuyedesk.properties.models import (
    Building,
    Community,
    Department,
    Occupancy,
    Resident,
    ResidentNameGram,
    Room,
    Unit,
)

# What the homes keep from the rooms, residents and households (the assistant's community
# overview, web/home.py) is kept under this version: every ORM write to them bumps it
# (properties/receivers.py), and the importer and the seed after their bulk inserts.
RECORDS_VERSION = "properties:records"


def communities_visible_to(user):
    return scope_to_communities(Community.objects.all(), user, field="id")


_USABLE: dict = {}


def usable(user, model, pk: int, *related: str):
    """The row `pk` of a community, building or room that is not archived and that the user
    may see, with its `related` rows, or None.

    Intake looks its ids up on every ticket created: one statement per model and related
    rows (lib/statements.py; by the ORM the room with its building and community took
    0.5 ms CPU, most of it compiling), the scope checked from the user's cached
    communities."""
    if not is_key(pk):
        return None
    statement = _USABLE.get((model, related))
    if statement is None:
        statement = _USABLE[model, related] = Statement(
            model, *related, where='t0."id" = %s AND t0."archived_at" IS NULL'
        )
    found = statement.first([pk])
    if found is None:
        return None
    community_id = found.pk if model is Community else found.community_id
    return found if in_scope(user, community_id) else None


def buildings_visible_to(user):
    return scope_to_communities(Building.objects.select_related("community"), user)


def units_visible_to(user):
    return scope_to_communities(
        Unit.objects.select_related("building", "building__community"), user
    )


def rooms_visible_to(user):
    return scope_to_communities(
        Room.objects.select_related("unit", "unit__building", "unit__building__community"), user
    )


def residents_visible_to(user):
    """A resident is seen by the staff of their own community and of any room they occupy(d).

    The rooms' residents are one uncorrelated subquery, read once a query: as a correlated
    EXISTS, SQLite ran it for each resident it passed, and a one-character name search of a
    specialist took 150-170 ms on the bench data instead of 4 ms (issue #12)."""
    qs = Resident.objects.select_related("community")
    if not is_staff_member(user):
        return qs.none()
    ids = community_ids(user)
    if ids is None:
        return qs
    in_rooms = Occupancy.objects.filter(community_id__in=ids).values("resident_id")
    return qs.filter(Q(community_id__in=ids) | Q(pk__in=in_rooms))


def occupancies_visible_to(user):
    return scope_to_communities(
        Occupancy.objects.select_related(
            "resident",
            "room",
            "room__unit",
            "room__unit__building",
            "room__unit__building__community",
        ),
        user,
    )


def departments_visible_to(user):
    """Departments serving one of the user's communities, company-wide ones, and the user's own."""
    qs = Department.objects.all()
    if not is_staff_member(user):
        return qs.none()
    ids = community_ids(user)
    if ids is None:
        return qs
    serves_mine = Department.communities.through.objects.filter(
        department_id=OuterRef("pk"), community_id__in=ids
    )
    serves_any = Department.communities.through.objects.filter(department_id=OuterRef("pk"))
    staff = staff_of(user)
    own = Q(pk=staff.department_id) if staff and staff.department_id else Q(pk__in=[])
    return qs.filter(Exists(serves_mine) | ~Exists(serves_any) | own)


def active_communities(user):
    """The communities the user may see that are not archived: what a form may offer."""
    return communities_visible_to(user).filter(archived_at__isnull=True)


def active_buildings(user):
    """The buildings the user may see that are not archived."""
    return buildings_visible_to(user).filter(archived_at__isnull=True)


def active_rooms(user):
    """The rooms the user may see that are not archived."""
    return rooms_visible_to(user).filter(archived_at__isnull=True)


def active_residents(user):
    """The residents the user may see that are not archived."""
    return residents_visible_to(user).filter(archived_at__isnull=True)


def active_departments(user):
    """The departments the user may see that are not archived."""
    return departments_visible_to(user).filter(archived_at__isnull=True)


def get_visible(queryset, pk):
    """Fetch one row of a scoped queryset; anything outside the scope is a 404, as if absent."""
    return get_object_or_404(queryset, pk=pk)


def resident_households(resident):
    """Current occupancies first, then history; each with its room address."""
    return (
        Occupancy.objects.filter(resident=resident)
        .select_related("room__unit__building__community")
        .order_by(F("move_out").asc(nulls_first=True), F("move_in").desc(nulls_last=True), "-id")
    )


def room_occupants(room):
    return (
        Occupancy.objects.filter(room=room)
        .select_related("resident")
        .order_by(F("move_out").asc(nulls_first=True), F("move_in").desc(nulls_last=True), "-id")
    )


def community_overview(user, limit: int = 20):
    """Per visible community: rooms, occupied rooms and residents, in three grouped queries."""
    communities = list(active_communities(user).order_by("code")[:limit])
    ids = [c.id for c in communities]

    def counts(queryset):
        rows = queryset.filter(community_id__in=ids).values("community_id")
        return {r["community_id"]: r["n"] for r in rows.annotate(n=Count("id", distinct=True))}

    rooms = counts(Room.objects.filter(archived_at__isnull=True))
    residents = counts(Resident.objects.filter(archived_at__isnull=True))
    occupied = {
        r["community_id"]: r["n"]
        for r in Occupancy.objects.filter(community_id__in=ids, move_out__isnull=True)
        .values("community_id")
        .annotate(n=Count("room_id", distinct=True))
    }
    return [
        {
            "community": c,
            "rooms": rooms.get(c.id, 0),
            "occupied": occupied.get(c.id, 0),
            "residents": residents.get(c.id, 0),
        }
        for c in communities
    ]


def residents_without_home(user):
    """Residents with no current room: a data-quality worklist for assistants (AST-3)."""
    return without_home(active_residents(user), "1")


def without_home(queryset, value):
    """The residents list's `?without_home=1` filter: those with no current room."""
    if str(value) != "1":
        raise ValueError("without_home")
    current = Occupancy.objects.filter(resident=OuterRef("pk"), move_out__isnull=True)
    return queryset.exclude(Exists(current))


def active_units(user):
    """The units the user may see that are not archived."""
    return units_visible_to(user).filter(archived_at__isnull=True)


def building_search(user, text: str):
    """Buildings whose name or community matches each word typed (e.g. "阳光 3栋")."""
    qs = active_buildings(user)
    for word in text.split()[:4]:
        qs = qs.filter(Q(name__icontains=word) | Q(community__name__icontains=word))
    return qs.order_by("community__name", "name")


def unit_search(user, text: str):
    """Units whose name, building or community matches each word typed (e.g. "3栋 2单元")."""
    qs = active_units(user)
    for word in text.split()[:4]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(building__name__icontains=word)
            | Q(building__community__name__icontains=word)
        )
    return qs.order_by("building__community__name", "building__name", "name")


# At most this many of the typed text's character pairs narrow a name search: each is an
# index read, and the LIKE after them keeps the result exact.
NAME_GRAMS_READ = 3


def name_search(residents, text: str):
    """The residents whose name contains `text` (case-insensitive, as `icontains`).

    Two characters or more are looked up in the name grams (ResidentNameGram, kept by
    triggers) first, and only the residents holding every pair read are compared whole: on
    the 1,000,000-ticket bench data (200,000 residents) a name search read every name,
    14-20 ms on either database, before this (bench/README.md, issue #12). One character,
    or a database without the triggers, compares every name."""
    pairs = list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))
    if connection.vendor in ("sqlite", "postgresql"):
        for pair in pairs[:NAME_GRAMS_READ]:
            holding = ResidentNameGram.objects.filter(gram=Lower(Value(pair)))
            residents = residents.filter(id__in=holding.values("resident_id"))
    return residents.filter(name__icontains=text)


def resident_search(residents, text: str):
    """The residents of the list's search box: those with this phone number (exact, on the
    normalised digits) when `text` is all digits, else those whose name contains it."""
    digits = normalize_phone(text)
    if digits.isdigit():
        return residents.filter(phone=digits)
    return name_search(residents, text)


def room_search(user, text: str):
    """Rooms whose number, building or community matches each word typed (e.g. "3栋 1502")."""
    qs = active_rooms(user)
    for word in text.split()[:4]:
        qs = qs.filter(
            Q(number__icontains=word)
            | Q(building__name__icontains=word)
            | Q(community__name__icontains=word)
        )
    return qs
