"""Ticket lists in two steps: the ids of a page (the queue's filters and order, no joins),
then the rows of those ids.

A queue page reads only the columns it shows with `values()`: 50 tickets built as model
instances through select_related made ~700 instances, most of a list's time at 1,000,000
tickets (bench/README.md). The names of communities, departments and owners come from what
each process holds of the reference data (core/reference.py) instead of three more joins,
and each label is translated once per request. The template tickets/_queue_rows.html writes
the rows.

Measured for issue #13 (CPU per request in-process, Django's test client, the manager's team
queue of 50 rows on the 1,000,000-ticket SQLite bench database): the template takes 2.0-2.5
ms for the rows where the f-string rows it replaced took 0.13 ms, and these rows read through
the ORM (the query compiled per request) 1.5 ms where a statement compiled once per
connection took 0.8 ms. With the session's user read the same way (+0.7 ms), the page went
from 5.6 to 9.5 ms, so the standard way costs more than 10 % of this page's time. Django's
Jinja2 backend would render the rows in a fraction of the template's time, if jinja2 became
a dependency.
"""

from django.utils import timezone

from wuyedesk.accounts.choices import UserKind
from wuyedesk.accounts.models import User
from wuyedesk.core import reference
from wuyedesk.lib.privacy import mask_phone
from wuyedesk.properties.models import Community, Department
from wuyedesk.tickets.choices import Kind, Severity, Status
from wuyedesk.tickets.display import relative, words
from wuyedesk.tickets.models import Category, Ticket, overdue_at

# Every column of a ticket that the API's TicketOut carries, plus the names it shows.
TICKET_COLUMNS = (
    "id",
    "number",
    "kind",
    "channel",
    "severity",
    "status",
    "outcome",
    "title",
    "description",
    "contact_at",
    "created_at",
    "incident_id",
    "merged_into_id",
    "first_contact_resolution",
    "follow_up_due",
    "followed_up_at",
    "reported_at",
    "investigation_due",
    "decided_at",
    "feedback_at",
    "return_visit_due",
    "return_visit_at",
    "satisfaction",
    "closed_at",
    "next_due",
    "overdue_since",
    "manager_acknowledged_at",
    "version",
)
NAMES = (
    "category_id",
    "category__code",
    "category__name",
    "category__parent__name",
    "community_id",
    "community__name",
    "building_id",
    "building__name",
    "room_id",
    "room__number",
    "room__unit__name",
    "room__unit__building__name",
    "resident_id",
    "resident__name",
    "resident__phone",
    "owner_id",
    "owner__username",
    "owner__staff__id",
    "owner__staff__name",
    "department_id",
    "department__name",
)
# What the API's list reads of each ticket.
LIST_COLUMNS = TICKET_COLUMNS + NAMES
# What a queue page shows of each ticket.
PAGE_COLUMNS = (
    "id",
    "number",
    "kind",
    "severity",
    "status",
    "title",
    "closed_at",
    "next_due",
    "overdue_since",
    "return_visit_due",
    "community__name",
    "room_id",
    "room__number",
    "room__unit__name",
    "room__unit__building__name",
    "resident__name",
    "owner__staff__name",
    "department__name",
)


def by_ids(ids, columns) -> list[dict]:
    """The `values(*columns)` rows of the tickets `ids`, in that order.

    A list reads in two steps: the ids of its page (the queue's filters and order, no
    joins), then the columns of those ids here. Names from the reference data
    (`REFERENCE_NAMES`) come from what each process keeps, not from joins."""
    ids = list(ids)
    if not ids:
        return []
    named = {name: REFERENCE_NAMES[name] for name in columns if name in REFERENCE_NAMES}
    read = [name for name in columns if name not in named]
    read = dict.fromkeys(read + [fk for fk, _table, _at in named.values()])
    found = {row["id"]: row for row in Ticket.objects.filter(id__in=ids).order_by().values(*read)}
    for name, (fk, table, index) in named.items():
        entries = table()
        for row in found.values():
            entry = entries.get(row[fk])
            row[name] = None if entry is None else entry[index]
    return [found[pk] for pk in ids if pk in found]


def _names(key: str, rows):
    """A table id → (names…) from `rows()` (a values_list of the id and its names), kept by
    each process under the reference-data version."""
    return lambda: reference.memo(key, lambda: {pk: tuple(names) for pk, *names in rows()})


_communities = _names("names:communities", lambda: Community.objects.values_list("id", "name"))
_departments = _names("names:departments", lambda: Department.objects.values_list("id", "name"))
_categories = _names(
    "names:categories",
    lambda: Category.objects.values_list("id", "code", "name", "parent__name"),
)
_staff_users = _names(
    "names:staff-users",
    lambda: User.objects.exclude(kind=UserKind.RESIDENT).values_list(
        "id", "username", "staff__id", "staff__name"
    ),
)


# Names from the reference data (core/reference.py), which each process keeps: a list
# reads their ids and takes the names from there instead of joining six more tables for
# every page (PostgreSQL built a hash of each on every execution). column → (id column,
# table, position in the table's entry).
REFERENCE_NAMES = {
    "community__name": ("community_id", _communities, 0),
    "department__name": ("department_id", _departments, 0),
    "category__code": ("category_id", _categories, 0),
    "category__name": ("category_id", _categories, 1),
    "category__parent__name": ("category_id", _categories, 2),
    "owner__username": ("owner_id", _staff_users, 0),
    "owner__staff__id": ("owner_id", _staff_users, 1),
    "owner__staff__name": ("owner_id", _staff_users, 2),
}


def _category_name(row) -> str:
    parent = row["category__parent__name"]
    return f"{parent}/{row['category__name']}" if parent else row["category__name"]


def _room_address(row) -> str:
    return "-".join(
        (
            row["community__name"],
            row["room__unit__building__name"],
            row["room__unit__name"],
            row["room__number"],
        )
    )


def api_items(rows) -> list[dict]:
    """`values(*TICKET_COLUMNS, *NAMES)` rows as the API's TicketOut serialises a ticket
    (field names, not aliases); a test holds the two equal."""
    now = timezone.now()
    items = []
    for row in rows:
        item = {name: row[name] for name in TICKET_COLUMNS}
        item["overdue"] = overdue_at(row["next_due"], row["status"] == Status.CLOSED, now)
        item["category"] = {
            "id": row["category_id"],
            "code": row["category__code"],
            "name": _category_name(row),
        }
        item["community"] = {"id": row["community_id"], "name": row["community__name"]}
        item["building"] = (
            {"id": row["building_id"], "name": row["building__name"]}
            if row["building_id"]
            else None
        )
        item["room"] = (
            {"id": row["room_id"], "number": row["room__number"], "address": _room_address(row)}
            if row["room_id"]
            else None
        )
        item["resident"] = (
            {
                "id": row["resident_id"],
                "name": row["resident__name"],
                "phone": mask_phone(row["resident__phone"]),
            }
            if row["resident_id"]
            else None
        )
        item["owner"] = (
            {
                "staff_id": row["owner__staff__id"],
                "name": row["owner__staff__name"] or row["owner__username"],
            }
            if row["owner_id"]
            else None
        )
        item["department"] = (
            {"id": row["department_id"], "name": row["department__name"]}
            if row["department_id"]
            else None
        )
        items.append(item)
    return items


class _Labels(dict):
    """Choice labels translated on first use in this request."""

    def __init__(self, choices):
        super().__init__()
        self.choices = dict(choices)

    def __missing__(self, key):
        value = self[key] = str(self.choices.get(key, key))
        return value


def page_rows(rows, *, due_field: str = "next_due") -> list[dict]:
    """`values(*PAGE_COLUMNS)` rows with what a queue page prints (labels, place, due)."""
    kinds, statuses = _Labels(Kind.choices), _Labels(Status.choices)
    severities = _Labels(Severity.choices)
    now = timezone.now()
    zone = timezone.get_current_timezone()
    phrases = words()
    out = []
    for row in rows:
        due = row[due_field]
        row["kind_label"] = kinds[row["kind"]]
        row["status_label"] = statuses[row["status"]]
        row["severity_label"] = (
            severities[row["severity"]] if row["severity"] != Severity.NORMAL else ""
        )
        row["overdue"] = overdue_at(row["next_due"], row["closed_at"] is not None, now)
        row["place"] = (
            f"{row['community__name']} {row['room__unit__building__name']}-"
            f"{row['room__unit__name']}-{row['room__number']}"
            if row["room_id"]
            else row["community__name"]
        )
        row["due_local"] = due.astimezone(zone).strftime("%Y-%m-%d %H:%M") if due else ""
        row["due_text"] = relative(due, now, phrases)[0] if due else ""
        out.append(row)
    return out
