"""The worklist's reads (AST-3): each kind of likely problem as a queryset (or, for
duplicates, a list of pairs) scoped to what the user may see, without the rows someone
dismissed. The home's counts, the list pages, the API and the daily snapshot all count these.

Each kind is an indexed query over the records as they are (no worklist table to rebuild):
bench/dataquality.py times them at 200,000 residents and 1,000,000 tickets.

- duplicates: active residents sharing a phone number, or with the same name in the same
  room (both currently living there); each pair once, lower id first;
- rooms without an owner: active rooms with no current occupancy as owner;
- residents without any contact: active residents with neither a phone nor an email;
- occupancies that should have ended: still current (no move-out date) while the resident
  or the room is archived — the person moved out of the records but not out of the room;
- tickets of unknown category: open tickets filed under 其他 (OTHER) or under a top-level
  category that has sub-categories;
- tickets of an unknown caller: open tickets taken by phone, at the desk or by mail whose
  caller is not linked to a resident;
- mail without a resident: the mailbox's "unknown sender" queue.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from itertools import combinations

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, has_post, is_staff_member
from wuyedesk.accounts.choices import Post
from wuyedesk.core import versions
from wuyedesk.dataquality.choices import Problem
from wuyedesk.dataquality.models import Dismissal, Snapshot
from wuyedesk.mailbox.choices import InboundStatus
from wuyedesk.mailbox.models import InboundMail
from wuyedesk.mailbox.selectors import mail_queue
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Occupancy, Resident, Room
from wuyedesk.properties.selectors import (
    occupancies_visible_to,
    residents_visible_to,
    rooms_visible_to,
)
from wuyedesk.tickets.choices import Channel
from wuyedesk.tickets.models import Category, Ticket
from wuyedesk.tickets.selectors import data_version, tickets_visible_to

# Who works the worklist: the assistant keeps the records (AST-3), the manager answers for them.
KEEPERS = (Post.ASSISTANT, Post.MANAGER)
CATCH_ALL_CATEGORY = "OTHER"
# Channels where a person contacted us: a ticket of theirs without a resident has an unknown
# caller (a ticket from the portal or the API always names its resident).
CALLER_CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.EMAIL)
TREND_DAYS = 14
# The home's counts (`kept_problem_counts`): kept in the cache under this version, which the
# worklist's fixes bump, the tickets' data version and at most KEEP_SECONDS (an edit on a
# record page shows by then). Counting every kind reads 200,000 residents: ~0.6 s of CPU on
# the bench data (bench/README.md, issue #12 Speed), too much for each home view.
DATA_QUALITY = "data-quality"
KEEP_SECONDS = 120


def may_keep(user) -> bool:
    return is_staff_member(user) and has_post(user, *KEEPERS)


@dataclasses.dataclass
class Pair:
    """Two residents who are probably the same person, and why (phone, name and room)."""

    first: Resident
    second: Resident
    reasons: list[str]

    @property
    def key(self) -> str:
        return f"{self.first.pk}-{self.second.pk}"


def _dismissed(kind: str):
    return Dismissal.objects.filter(kind=kind).values("object_id")


def _residents(user):
    return Resident.objects.all() if user is None else residents_visible_to(user)


def duplicate_ids(user) -> list[tuple[int, int, list[str]]]:
    """(lower id, higher id, reasons) of each pair of active residents the user sees who
    share a phone, or a name and a current room; dismissed pairs left out. Three queries,
    whatever the number of rows (the home counts these)."""
    residents = _residents(user).filter(archived_at__isnull=True)
    # Phones shared by two records, archived or not: grouped on the phone index alone (no
    # row read); the active ones among them are kept below.
    shared_phone = (
        Resident.objects.exclude(phone="")
        .order_by()
        .values("phone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("phone")
    )
    groups: dict[tuple, set[int]] = defaultdict(set)
    for pk, phone in residents.filter(phone__in=shared_phone).values_list("pk", "phone"):
        groups["phone", phone].add(pk)
    current = Occupancy.objects.filter(
        move_out__isnull=True, resident__in=residents.order_by().values("pk")
    )
    shared_room = (
        current.order_by()
        .values("room_id", "resident__name")
        .annotate(n=Count("resident_id", distinct=True))
        .filter(n__gt=1)
        .values("room_id")
    )
    in_rooms = current.filter(room_id__in=shared_room)
    for room_id, name, pk in in_rooms.values_list("room_id", "resident__name", "resident_id"):
        groups["room", room_id, name].add(pk)
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key, members in groups.items():
        reason = "phone" if key[0] == "phone" else "name_room"
        for a, b in combinations(sorted(members), 2):
            if reason not in reasons[a, b]:
                reasons[a, b].append(reason)
    dismissed = set(
        Dismissal.objects.filter(kind=Problem.DUPLICATES).values_list("object_id", "other_id")
    )
    return [(a, b, reasons[a, b]) for a, b in sorted(reasons) if (a, b) not in dismissed]


def duplicate_pairs(user) -> list[Pair]:
    """Probably the same person: same phone, or same name in the same current room."""
    ids = duplicate_ids(user)
    found = Resident.objects.select_related("community").in_bulk(
        {pk for a, b, _r in ids for pk in (a, b)}
    )
    return [Pair(found[a], found[b], reasons) for a, b, reasons in ids]


def rooms_without_owner(user):
    rooms = Room.objects.all() if user is None else rooms_visible_to(user)
    owner = Occupancy.objects.filter(
        room=OuterRef("pk"), move_out__isnull=True, role=OccupancyRole.OWNER
    )
    return (
        rooms.filter(archived_at__isnull=True)
        .exclude(Exists(owner))
        .exclude(pk__in=_dismissed(Problem.ROOMS_NO_OWNER))
    )


def residents_without_contact(user):
    return (
        _residents(user)
        .filter(archived_at__isnull=True, phone="", email="")
        .exclude(pk__in=_dismissed(Problem.NO_CONTACT))
    )


def stale_occupancies(user):
    occupancies = Occupancy.objects.all() if user is None else occupancies_visible_to(user)
    return (
        occupancies.filter(move_out__isnull=True)
        .filter(Q(resident__archived_at__isnull=False) | Q(room__archived_at__isnull=False))
        .exclude(pk__in=_dismissed(Problem.STALE_OCCUPANCY))
    )


def _open_tickets(user):
    tickets = Ticket.objects.all() if user is None else tickets_visible_to(user)
    return tickets.filter(closed_at__isnull=True)


def tickets_without_category(user):
    coarse = Category.objects.filter(
        Q(code=CATCH_ALL_CATEGORY) | Q(parent__isnull=True, children__isnull=False)
    ).values("pk")
    return (
        _open_tickets(user)
        .filter(category__in=coarse)
        .exclude(pk__in=_dismissed(Problem.TICKET_CATEGORY))
    )


def tickets_unknown_caller(user):
    return (
        _open_tickets(user)
        .filter(resident__isnull=True, channel__in=CALLER_CHANNELS)
        .exclude(pk__in=_dismissed(Problem.TICKET_CALLER))
    )


def mail_without_resident(user):
    if user is None:  # the daily snapshot: the conditions of the mailbox's "unknown" queue
        mails = InboundMail.objects.filter(attention=True, resident__isnull=True).exclude(
            status__in=[InboundStatus.UNPARSED, InboundStatus.ERROR, InboundStatus.TOO_LARGE]
        )
    else:
        mails = mail_queue(user, "unknown")
    return mails.exclude(pk__in=_dismissed(Problem.MAIL_RESIDENT))


QUERIES = {
    Problem.ROOMS_NO_OWNER: rooms_without_owner,
    Problem.NO_CONTACT: residents_without_contact,
    Problem.STALE_OCCUPANCY: stale_occupancies,
    Problem.TICKET_CATEGORY: tickets_without_category,
    Problem.TICKET_CALLER: tickets_unknown_caller,
    Problem.MAIL_RESIDENT: mail_without_resident,
}


def rows_of(user, kind: str):
    """The rows of one kind: a list of pairs for duplicates, a queryset otherwise."""
    if kind == Problem.DUPLICATES:
        return duplicate_pairs(user)
    return QUERIES[Problem(kind)](user).order_by("-pk")


def problem_counts(user) -> dict[str, int]:
    """{kind: number of rows its list shows}, in Problem's order."""
    counts = {Problem.DUPLICATES.value: len(duplicate_ids(user))}
    for kind, query in QUERIES.items():
        counts[kind.value] = query(user).count()
    return counts


def kept_problem_counts(user, *, version: tuple | None = None) -> dict[str, int]:
    """`problem_counts`, kept (see KEEP_SECONDS) per person and scope; `version`: the ticket
    data version when the caller has just read it."""
    ids = community_ids(user)
    scope = "all" if ids is None else ",".join(map(str, sorted(ids)))
    tickets, events = version or data_version()
    key = f"{user.pk}:{scope}:{tickets}:{events}"
    return versions.cached(DATA_QUALITY, key, lambda: problem_counts(user), KEEP_SECONDS)


def counts_by_community(kind: str) -> dict[int | None, int]:
    """Every community's count of one kind (the daily snapshot; nobody's scope)."""
    if kind == Problem.DUPLICATES:
        counts: dict[int | None, int] = defaultdict(int)
        for pair in duplicate_pairs(None):
            counts[pair.first.community_id] += 1
        return dict(counts)
    rows = QUERIES[Problem(kind)](None).order_by().values("community_id")
    return {row["community_id"]: row["n"] for row in rows.annotate(n=Count("pk"))}


def trend(user, days: int = TREND_DAYS) -> dict[str, list[dict]]:
    """{kind: [{day, count}, …]} of the last `days` snapshots, summed over the user's
    communities (all, for someone who sees every community), oldest first."""
    since = timezone.localdate() - dt.timedelta(days=days)
    rows = Snapshot.objects.filter(day__gt=since)
    ids = community_ids(user)
    if ids is not None:
        rows = rows.filter(Q(community_id__in=ids) | Q(community__isnull=True))
    out: dict[str, list[dict]] = {kind.value: [] for kind in Problem}
    totals = rows.values("kind", "day").annotate(total=Sum("count")).order_by("day")
    for row in totals:
        out.setdefault(row["kind"], []).append({"day": row["day"], "count": row["total"]})
    return out
