"""Reads of tickets, scoped to what the user may see; the queues; search."""

import datetime as dt
import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import (
    community_ids,
    is_staff_member,
    posts_of,
    scope_key,
    scope_to_communities,
    staff_of,
)
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.core import versions
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.lib.search import query_tokens
from wuyedesk.lib.statements import Statement, is_key
from wuyedesk.policies.services import policy
from wuyedesk.properties.selectors import resident_households
from wuyedesk.tickets import categories
from wuyedesk.tickets.assignments import selectors as task_selectors
from wuyedesk.tickets.choices import EventKind, Satisfaction, Status
from wuyedesk.tickets.customer import customer_answered as customer_answered
from wuyedesk.tickets.customer import customer_confirmation as customer_confirmation
from wuyedesk.tickets.customer import customer_confirmed as customer_confirmed
from wuyedesk.tickets.customer import customer_files as customer_files
from wuyedesk.tickets.customer import customer_stage as customer_stage
from wuyedesk.tickets.customer import customer_stages as customer_stages
from wuyedesk.tickets.customer import customer_ticket as customer_ticket
from wuyedesk.tickets.customer import customer_timeline as customer_timeline
from wuyedesk.tickets.customer import event_reaches_resident as event_reaches_resident
from wuyedesk.tickets.customer import event_text_for_resident as event_text_for_resident
from wuyedesk.tickets.customer import notice_event as notice_event
from wuyedesk.tickets.customer import public_attachments as public_attachments
from wuyedesk.tickets.customer import ticket_handlers as ticket_handlers
from wuyedesk.tickets.customer import ticket_with_resident as ticket_with_resident
from wuyedesk.tickets.customer import tickets_of_customer as tickets_of_customer
from wuyedesk.tickets.defaults import CATEGORY_TREE
from wuyedesk.tickets.models import (
    Attachment,
    Category,
    CorrectiveMeasure,
    Dispatch,
    Incident,
    ReturnVisit,
    Ticket,
    TicketEvent,
    overdue_q,
)

# The version (core/versions.py) of what the manager's banner shows; see severe_banner.
SEVERE_TICKETS = "severe-tickets"
BANNER_KEEP_SECONDS = 30

LIST_RELATED = (
    "category",
    "category__parent",
    "community",
    "resident",
    "owner__staff",
    "department",
    "room__unit__building",
)


def tickets_visible_to(user, *, newest_first: bool = False):
    """Customer-service posts see their communities' tickets; department staff (and partner
    contractors) see the tickets sent to their department or with a corrective measure of
    their department. `newest_first`: the caller
    lists closed tickets too, newest first (see below)."""
    qs = Ticket.objects.all()
    if not is_staff_member(user):
        return qs.none()
    ids = community_ids(user)
    posts = posts_of(user)
    if posts <= {Post.DEPARTMENT.value}:  # as _sees_read
        staff = staff_of(user)
        department = staff.department_id
        sent = Dispatch.objects.filter(department_id=department).order_by().values("ticket_id")
        # ... and those with a corrective measure of theirs to mark done (CMP-3).
        owed = CorrectiveMeasure.objects.filter(department_id=department).order_by()
        # The department's few tickets by its own rows' index, not an EXISTS tried on
        # every ticket (133 ms at 1,000,000 tickets on SQLite; 0.3 ms so).
        qs = qs.filter(pk__in=sent.union(owed.values("ticket_id")))
    if ids is not None:
        if newest_first and connection.vendor == "sqlite":
            # Given `community_id IN (…)`, SQLite reads the community index once per community
            # and then sorts every ticket they hold, closed ones included (seconds at a
            # million tickets). On an expression it walks the id index instead and stops
            # after one page. (The open queues have their own index by community and
            # deadline; PostgreSQL's planner makes these choices by itself.)
            qs = qs.alias(scope_community=F("community_id") + 0).filter(scope_community__in=ids)
        else:
            qs = qs.filter(community_id__in=ids)
    return qs


# One ticket with every row its page and its actions name (lib/statements.py): the ORM's
# compile of these fourteen joins was 2-4 ms of each ticket page and action, the read itself
# 0.1 ms (bench/README.md, issue #12 Speed). Held equal to the ORM's read by
# tickets/tests/test_statements.py.
TICKET_WITH_RELATED = ("created_by__staff", "incident", "merged_into")
TICKET = Statement(Ticket, *LIST_RELATED, *TICKET_WITH_RELATED, where='t0."id" = %s')


def _per_ticket(model, column: str, what: str = "COUNT(*)") -> tuple[str, type]:
    """An `extra` of a ticket Statement: `what` over `model`'s rows whose `column` is the
    ticket (names from _meta)."""
    table, key = model._meta.db_table, model._meta.get_field(column).column
    return f'(SELECT {what} FROM "{table}" x WHERE x."{key}" = t0."id")', int  # noqa: S608


# The rows of a ticket its page and the API list beside the timeline (PAGE_ROWS).
PAGE_ROW_MODELS = (
    ("dispatches", Dispatch),
    ("measures", CorrectiveMeasure),
    ("return_visits", ReturnVisit),
)

# The ticket page's and the API's read also counts what they list only when it exists:
# the timeline's events (its stamp, timeline_stamp), the tickets merged into it and those
# linked to it. Three queries fewer for most tickets; on PostgreSQL each query costs the
# page about 0.3 ms of the client's work, whatever it reads (bench/README.md, issue #12).
# It joins no account: the page and the API name the owner and the creator from the names
# each process holds (rows.person_of). The incident and the ticket it was merged into, which
# few tickets have, are read when shown (the ORM's descriptor, by their key). Without those
# six joins this read costs the PostgreSQL server 0.130 ms of CPU instead of 0.197
# (bench/README.md, session 18).
PAGE_RELATED = tuple(path for path in LIST_RELATED if not path.startswith("owner"))
TICKET_PAGE = Statement(
    Ticket,
    *PAGE_RELATED,
    where='t0."id" = %s',
    extra={
        "events_count": _per_ticket(TicketEvent, "ticket"),
        "events_last": _per_ticket(TicketEvent, "ticket", 'MAX(x."id")'),
        "merged_count": _per_ticket(Ticket, "merged_into"),
        "related_count": _per_ticket(Ticket.related.through, "from_ticket"),
        # The page's rows and files are read only when there are some (ticket_get_for_page):
        # a fresh ticket has none, and on PostgreSQL each query costs the page about 0.3 ms.
        **{f"{name}_count": _per_ticket(model, "ticket") for name, model in PAGE_ROW_MODELS},
        "attachments_count": _per_ticket(Attachment, "ticket"),
    },
)


def ticket_get_for_user(user, pk):
    """The ticket `pk` with its related rows, or 404 when the user may not see it. Whether
    they may is asked of `tickets_visible_to`, the one definition of who sees what."""
    if not is_key(pk) or not tickets_visible_to(user).filter(pk=pk).exists():
        raise Http404
    ticket = TICKET.first([pk])
    if ticket is None:  # deleted in between
        raise Http404
    return ticket


def _soonest_first(qs):
    return qs.order_by(F("next_due").asc(nulls_last=True), "-id")


def queue(user, name: str, *, department_id=None):
    """The named queues of the service desk (issue #3 §8)."""
    qs = tickets_visible_to(user, newest_first=name == "all").select_related(*LIST_RELATED)
    qs = qs.filter(queue_q(user, name, department_id=department_id))
    if name == "return_visits":
        return qs.order_by(F("return_visit_due").asc(nulls_last=True), "-id")
    if name == "all":
        return qs.order_by("-id")
    return _soonest_first(qs)


def queue_q(user, name: str, *, department_id=None, now=None) -> Q:
    """Which of the tickets the user may see the named queue holds: the one definition that
    `queue` lists and `queue_counts` counts."""
    open_ = Q(closed_at__isnull=True)
    if name == "mine":
        return open_ & Q(owner=user)
    if name == "team":
        return open_
    if name == "overdue":
        return overdue_q(now)
    if name == "unassigned":
        return open_ & Q(owner__isnull=True)
    if name == "return_visits":
        return open_ & Q(status=Status.AWAITING_RETURN_VISIT)
    if name == "department":
        if department_id is None:
            staff = staff_of(user)
            department_id = staff.department_id if staff else None
        # The department's open dispatches first, by their own index, then those tickets by
        # id: given the subquery, PostgreSQL planned a hash join of every open ticket with
        # its rows before the semi-join (9-65 ms and 16 ms of planning for an empty list at
        # 1,000,000 tickets; 0.3 ms so). A department's open work is a short list.
        pending = Dispatch.objects.filter(
            department_id=department_id, replied_at__isnull=True, cancelled_at__isnull=True
        ).values_list("ticket_id", flat=True)
        return open_ & Q(pk__in=list(pending))
    if name == "all":
        return Q()
    raise ValueError(name)


# The queues whose size their tab shows ("all" would count every ticket ever written).
COUNTED_QUEUES = ("mine", "team", "department", "overdue", "unassigned", "return_visits")


def queue_counts(user, names=COUNTED_QUEUES) -> dict[str, int]:
    """The number of tickets in each named queue (the queue tabs): one count per queue, each
    by its own index (`ticket_counts`); one aggregate of them all read every ticket, ~1 s
    per queue page at 1,000,000 tickets on SQLite."""
    return ticket_counts(user, {name: {"queue": name} for name in names})


# --- slices of a queue: the queue page's `?due=` and `?attention=` filters (issue #12) -------
# A home's numbers are queues narrowed by these and by the page's other filters; both the
# page and the home build their conditions here (`ticket_counts`), so a number always equals
# the rows of the list it opens.

DUE_WINDOWS = ("overdue", "soon", "today")
ATTENTIONS = ("unacknowledged", "investigation_late", "recorded_late")
SEVERE = ("major", "emergency")


def due_q(window: str, *, field: str = "next_due", now=None) -> Q:
    """`overdue`: the deadline has come (for the open queues, `TicketQuerySet.overdue`);
    `soon`: it comes within the reminder time of the policy in force (2 hours by default);
    `today`: it falls on today's calendar day in the company's zone."""
    now = now or timezone.now()
    if window == "overdue":
        return overdue_q(now) if field == "next_due" else Q(**{f"{field}__lte": now})
    if window == "soon":
        until = now + dt.timedelta(minutes=reminder_minutes())
        return Q(**{f"{field}__gt": now, f"{field}__lte": until})
    if window == "today":
        start = _start_of_day(timezone.localdate(now))
        return Q(**{f"{field}__gte": start, f"{field}__lt": start + dt.timedelta(days=1)})
    raise ValueError(window)


def reminder_minutes() -> int:
    """How long before a deadline it counts as coming soon: the policy's reminder time."""
    return policy().reminder_minutes


def attention_q(name: str, *, now=None) -> Q:
    """`unacknowledged`: major complaints and emergencies the manager has not acknowledged
    (the banner's rule); `investigation_late`: complaints whose investigation deadline (the
    policy's 48 hours) has passed with no decision yet; `recorded_late`: inquiries and
    complaints recorded later after the contact than the regulation allows (#14, CMP-1)."""
    if name == "unacknowledged":
        return Q(severity__in=SEVERE, manager_acknowledged_at__isnull=True, closed_at__isnull=True)
    if name == "investigation_late":
        return Q(
            closed_at__isnull=True,
            investigation_due__lte=now or timezone.now(),
            decided_at__isnull=True,
        )
    if name == "recorded_late":  # CMP-1: recorded later after the contact than allowed
        return Q(recorded_late=True)
    raise ValueError(name)


COUNTS_SECONDS = 60  # the longest a count is kept (what moves with the clock alone)


def ticket_counts(user, slices: dict, *, version: tuple | None = None) -> dict[str, int]:
    """For each key, the number of rows the queue page lists for a queue and filters:
    `{"key": {"queue": "overdue", "kind": "complaint", ...}}`, keyword arguments of
    `filters_q` beside `queue`.

    One COUNT per slice, each narrow enough for its own index (the open tickets' deadlines,
    the unacknowledged, the late investigations): a fixed number of queries for a home,
    whatever the number of tickets. One aggregate of every slice's `Count(filter=...)` read
    the whole table instead: 440 ms for the manager's home at 1,000,000 tickets on SQLite
    against ~50 ms for the separate counts (bench/README.md, issue #12 Speed).

    The counts are kept in the cache for the person, their scope, the minute and the
    ticket data version (`data_version`: any ticket created or event recorded makes them
    new), at most COUNTS_SECONDS: counting the 110,000 open tickets of a company takes
    13 ms on PostgreSQL, and a queue page shows six such counts. `version`: the ticket data
    version when the caller has just read it (a home reads it once)."""
    now = timezone.now()
    parts = [
        scope_key(user),
        now.strftime("%Y%m%d%H%M"),
        version or data_version(),
        sorted((k, sorted(v.items())) for k, v in slices.items()),
    ]
    key = "wuyedesk:counts:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    counts = cache.get(key)
    if counts is not None:
        return counts
    visible = tickets_visible_to(user)
    counts = {}
    for key_, spec in slices.items():
        spec = dict(spec)
        name = spec.pop("queue")
        condition = queue_q(user, name, now=now) & filters_q(
            now=now, due_field=due_field_of(name), **spec
        )
        counts[key_] = visible.filter(condition).count()
    cache.set(key, counts, COUNTS_SECONDS)
    return counts


def data_version() -> tuple[int, int]:
    """The newest ticket and timeline event: what changes whenever a ticket is created or
    anything happens to one (every service records an event), for figures kept in the cache
    until then (the homes' period figures). Two primary-key lookups in one statement written
    here: a home reads it four times and a queue page twice, and the ORM's compile of the two
    aggregates cost ten times their run (0.4 ms against 0.04 on SQLite, bench/README.md)."""
    quote = connection.ops.quote_name
    newest = ", ".join(
        f"(SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)})"  # noqa: S608 (names from _meta)
        for model in (Ticket, TicketEvent)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {newest}")
        ticket, event = cursor.fetchone()
    return ticket or 0, event or 0


def due_field_of(queue_name: str) -> str:
    """The deadline a queue is ordered and narrowed by."""
    return "return_visit_due" if queue_name == "return_visits" else "next_due"


def search(queryset, text: str):
    """Chinese full-text search (title, description, messages, resident, room) or a phone."""
    text = (text or "").strip()
    if not text:
        return queryset
    phone = normalize_phone(text)
    if phone.isdigit() and len(phone) >= 7:
        return queryset.filter(Q(resident__phone=phone) | Q(number__contains=text))
    words = query_tokens(text)
    if not words:
        return queryset.none()
    if connection.vendor == "sqlite":
        match = " ".join('"' + w.replace('"', "") + '"' for w in words)
        return queryset.extra(
            where=[
                "tickets_ticket.id IN (SELECT rowid FROM tickets_ticket_fts "
                "WHERE tickets_ticket_fts MATCH %s)"
            ],
            params=[match],
        )
    if connection.vendor == "postgresql":
        query = " & ".join("'" + w.replace("'", "") + "'" for w in words)
        return queryset.extra(
            where=["tickets_ticket.search_vector @@ to_tsquery('simple', %s)"],
            params=[query],
        )
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)


def severe_unacknowledged(user):
    """Major complaints and emergencies the manager has not acknowledged yet (banner)."""
    if Post.MANAGER.value not in posts_of(user):
        return Ticket.objects.none()
    return tickets_visible_to(user).filter(attention_q("unacknowledged")).order_by("-id")


def severe_banner(user, limit: int) -> list[dict]:
    """The newest `limit` rows (pk, number, title, severity) of `severe_unacknowledged`, for
    the banner on every page the manager opens. Kept in the cache per scope
    (core/versions.py) until a severe ticket is created, saved or acknowledged (services
    bump SEVERE_TICKETS), and at most BANNER_KEEP_SECONDS."""
    ids = community_ids(user)
    scope = "all" if ids is None else ",".join(map(str, sorted(ids)))
    key = f"{hashlib.sha256(scope.encode()).hexdigest()[:32]}:{limit}"
    return versions.cached(
        SEVERE_TICKETS,
        key,
        lambda: list(
            severe_unacknowledged(user).values("pk", "number", "title", "severity")[:limit]
        ),
        BANNER_KEEP_SECONDS,
    )


# --- pages (issue #3): filters, customer 360, tasks, incidents, people to pick -------------


def filter_tickets(queryset, **filters):
    """The queue filters (`filters_q`)."""
    return queryset.filter(filters_q(**filters))


def filters_q(
    *,
    community=None,
    kind: str = "",
    category=None,
    status: str = "",
    severity: str = "",
    channel: str = "",
    date_from=None,
    date_to=None,
    resident=None,
    department=None,
    due: str = "",
    attention: str = "",
    due_field: str = "next_due",
    now=None,
) -> Q:
    """The queue filters as one condition. Dates are calendar days of the contact time in the
    company's zone; `due` and `attention` are the slices above (`due_q`, `attention_q`)."""
    condition = Q()
    if community is not None:
        condition &= Q(community=community)
    if kind:
        condition &= Q(kind=kind)
    if category is not None:
        condition &= Q(category=category) | Q(category__parent=category)
    if status:
        condition &= Q(status=status)
    if severity:
        condition &= Q(severity=severity)
    if channel:
        condition &= Q(channel=channel)
    if date_from is not None:
        condition &= Q(contact_at__gte=_start_of_day(date_from))
    if date_to is not None:
        condition &= Q(contact_at__lt=_start_of_day(date_to + dt.timedelta(days=1)))
    if resident is not None:
        condition &= Q(resident=resident)
    if department is not None:
        condition &= Q(department=department)
    if due:
        condition &= due_q(due, field=due_field, now=now)
    if attention:
        condition &= attention_q(attention, now=now)
    return condition


def _start_of_day(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def tickets_of_resident(user, resident):
    """Customer 360 (SPE-3): the resident's own tickets and those of every room they live or
    lived in, as far as the user may see them."""
    rooms = resident_households(resident).order_by().values("room_id")
    return (
        tickets_visible_to(user)
        .filter(Q(resident=resident) | Q(room_id__in=rooms))
        .select_related(*LIST_RELATED)
        .order_by("-id")
    )


CONTACT_EVENTS = (
    EventKind.CONTACT,
    EventKind.ANSWER,
    EventKind.FOLLOW_UP,
    EventKind.FEEDBACK,
)


def contacts_of(tickets):
    """Recorded conversations with the customer on the given tickets, newest first."""
    return (
        TicketEvent.objects.filter(ticket__in=tickets.order_by().values("pk"))
        .filter(kind__in=CONTACT_EVENTS)
        .select_related("ticket", "actor__staff")
        .order_by("-at", "-id")
    )


def return_visits_of(tickets):
    return (
        ReturnVisit.objects.filter(ticket__in=tickets.order_by().values("pk"))
        .select_related("ticket", "by__staff")
        .order_by("-at", "-id")
    )


def ticket_by_number(user, number: str):
    return tickets_visible_to(user).filter(number=(number or "").strip()).first()


def incidents_visible_to(user):
    return scope_to_communities(
        Incident.objects.select_related("community", "building", "created_by__staff"), user
    )


def incident_get_for_user(user, pk):
    return get_object_or_404(incidents_visible_to(user), pk=pk)


def staff_users(*, communities, posts):
    """Active staff accounts holding one of `posts` in one of the communities (pickers)."""
    return (
        User.objects.filter(
            is_active=True,
            staff__archived_at__isnull=True,
            staff__posts__post__in=[str(p) for p in posts],
            staff__communities__id__in=list(communities),
        )
        .select_related("staff")
        .distinct()
        .order_by("staff__name", "id")
    )


def related_tickets(user, ticket):
    """The tickets linked to this one that the user may see, newest first."""
    return (
        tickets_visible_to(user)
        .filter(related=ticket)
        .only("pk", "number", "title", "status")
        .order_by("-id")
    )


def department_people(departments):
    """Active staff of these departments (the person a transfer may name), with their names."""
    return (
        User.objects.filter(
            is_active=True,
            staff__archived_at__isnull=True,
            staff__department__in=departments,
        )
        .select_related("staff__department")
        .order_by("staff__department__code", "staff__name", "id")
    )


def _rows_of_ticket(model, *related: str) -> Statement:
    """`model.objects.select_related(*related).filter(ticket=…)` in its model's order."""
    meta = model._meta
    order = ", ".join(f't0."{meta.get_field(name).column}"' for name in meta.ordering)
    return Statement(
        model, *related, where=f't0."{meta.get_field("ticket").column}" = %s', order=order
    )


# The rows of a ticket its page and the API list (Ticket.rows). The people of these rows
# are named from the names each process holds (tickets.rows.person_of, the `staff_name`
# filter), not joined: the ORM's compile of the nine joins of staff accounts was a quarter
# of the page; then the compile of the three prefetches was 1.0 ms of the page's 5.8 ms of
# CPU in process (bench/README.md, sessions 13 and 16). Held equal to the ORM's reads by
# tickets/tests/test_statements.py.
_ROW_RELATED = {"dispatches": ("department",), "measures": ("department",)}
PAGE_ROWS = {
    name: _rows_of_ticket(model, *_ROW_RELATED.get(name, ())) for name, model in PAGE_ROW_MODELS
}


def _sees_read(user, ticket) -> bool:
    """tickets_visible_to's rule asked of one ticket already read with its page rows, in
    Python: the ORM's compile of the EXISTS query that asked it was 0.2 ms of each ticket
    page's CPU (bench/README.md, session 17). The same three cases in the same order; held
    equal to tickets_visible_to for every post of the test world by
    tickets/tests/test_statements.py."""
    if not is_staff_member(user):
        return False
    ids = community_ids(user)
    if posts_of(user) <= {Post.DEPARTMENT.value}:
        department = staff_of(user).department_id
        rows = (*ticket.page_rows["dispatches"], *ticket.page_rows["measures"])
        if not any(row.department_id == department for row in rows):
            return False
    return ids is None or ticket.community_id in ids


def ticket_get_for_page(user, pk):
    """One ticket with what its page shows beside the timeline, in a fixed number of queries,
    or 404 when the user may not see it (_sees_read)."""
    ticket = TICKET_PAGE.first([pk]) if is_key(pk) and is_staff_member(user) else None
    if ticket is None:
        raise Http404
    ticket.page_rows = {
        name: rows.all([ticket.pk]) if getattr(ticket, f"{name}_count") else []
        for name, rows in PAGE_ROWS.items()
    }
    if not _sees_read(user, ticket):
        raise Http404
    for found in ticket.page_rows.values():
        for row in found:
            row.ticket = ticket  # as the ORM's prefetch links them
    ticket.related_visible = list(related_tickets(user, ticket)) if ticket.related_count else []
    ticket.merged_rows = (
        list(ticket.merged.only("pk", "number", "title")) if ticket.merged_count else []
    )
    return ticket


def timeline_of(ticket):
    return ticket.events.select_related("actor__staff").order_by("at", "id")


def timeline_stamp(ticket, attachments_by_event) -> str:
    """What a drawn timeline depends on: its events (how many, the newest, counted when the
    ticket was read: ticket_get_for_page) and their attachments."""
    seen = f"{ticket.events_count}.{ticket.events_last}"
    files = max(attachments_by_event.values(), key=lambda a: a.pk, default=None)
    return f"{seen}.{len(attachments_by_event)}.{files.pk if files else 0}"


def task_assignees_for(user):
    """Who a manager may give a task to: active staff sharing one of the manager's communities."""
    qs = User.objects.filter(is_active=True, staff__archived_at__isnull=True)
    ids = community_ids(user)
    if ids is not None:
        qs = qs.filter(staff__communities__id__in=list(ids))
    return qs.select_related("staff").distinct().order_by("staff__name", "id")


def satisfaction_counts(visits) -> list[tuple[str, int]]:
    """(label, count) of the answers given in these return visits, in the scale's order."""
    rows = (
        visits.exclude(satisfaction="")
        .order_by()
        .values("satisfaction")
        .annotate(n=Count("id"))
        .values_list("satisfaction", "n")
    )
    found = dict(rows)
    return [(label, found[value]) for value, label in Satisfaction.choices if value in found]


def closed_unrated_for_seeding(limit: int) -> list[dict]:
    """Closed tickets of a resident without a rating, newest first (the demo's ratings)."""
    return list(
        Ticket.objects.filter(status=Status.CLOSED, resident__isnull=False, rating__isnull=True)
        .order_by("-id")
        .values("id", "community_id", "resident_id", "owner_id", "closed_at")[:limit]
    )


def filing_categories():
    """The categories a ticket may be filed under (active leaves), with their parents, in
    menu order."""
    return categories.leaf_categories().select_related("parent").order_by("position", "code")


def filing_category(pk):
    """The active leaf category `pk`, or None."""
    return categories.leaf_categories().filter(pk=pk).first()


def filing_category_choices() -> list:
    """The leaf categories as grouped choices (a picker's <optgroup>s)."""
    return categories.grouped_choices(leaves_only=True)


def category_name(category) -> str:
    """A category's name in the page's language."""
    return categories.category_label(category)


def category_path(category) -> str:
    """The "parent/child" label in the page's language (the name alone at the top level)."""
    if category.parent_id:
        return f"{category_name(category.parent)}/{category_name(category)}"
    return category_name(category)


# ---------------------------------------------------------------------------------------------
# What the mailbox reads of tickets: the ticket a mail belongs to, its category.


def ticket_by_id(ticket_id: int | None):
    """A ticket by id, or None (the system's read, no user's scope)."""
    return Ticket.objects.filter(pk=ticket_id).first() if ticket_id else None


def ticket_numbered(number: str):
    """A ticket by its number, or None (the system's read, no user's scope)."""
    return Ticket.objects.filter(number=number).first()


def mail_categories():
    """The categories a mail's ticket may be filed under: active ones without children."""
    return Category.objects.filter(active=True, children__isnull=True)


# ---------------------------------------------------------------------------------------------
# What reports read of tickets.


def reached_return_visits():
    """Return visits that reached the resident (the caller narrows them to its tickets)."""
    return ReturnVisit.objects.filter(reached=True)


def default_category_tree():
    """The default category tree (tickets/defaults.py): (code, name, English name, department
    code, children) rows; the survey analysis groups free-text answers by it."""
    return CATEGORY_TREE


# ---------------------------------------------------------------------------------------------
# What the shell's homes read of tickets besides the queues (web/home.py).


def open_tasks_of(user):
    """The tasks from superiors a person still has to do (the "my work" queue lists them)."""
    return task_selectors.open_tasks_of(user)
