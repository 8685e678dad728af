"""The manager's service-desk figures (issue #3 §12, #12 point 5), each with the tickets
behind it.

Every metric is a pair of querysets over the same scoped ticket set: the tickets counted
(numerator) and the tickets it is a share of (denominator). The dashboard shows the
rate; each number links to the list of tickets behind it.

Scope: every figure honours the chosen community, department and staff member; the
period's figures count the tickets whose customer contact falls in the period, "overdue
now" counts the open tickets of the same community, department and person whatever their
contact date. Each period figure comes with the same figure of the period just before
(as long, ending the day before the start). All counting is SQL aggregates (a constant
number of queries, no row read in Python), however many tickets there are.

Measured on a copy of the 1,000,000-ticket SQLite bench database (265,097 tickets in the
default 30 days, the machine shared): 11 queries, 2.8-3.9 s for the whole dashboard. Before
the kinds, statuses and ratings were folded into the rates' one pass and the trend's days
into a CASE of their bounds: 16 queries, 4.5 s, 1.4 s of it SQLite calling Django's date
function (Python) once per ticket. The slowest query left is the categories' GROUP BY
(0.8 s). No index covers `contact_at`: a period of a quarter of the tickets reads them
faster in one pass than by index.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.tickets.choices import Kind, Satisfaction, Status
from wuyedesk.tickets.models import Category, Dispatch
from wuyedesk.tickets.selectors import category_path, reached_return_visits, tickets_visible_to

# Who may read the dashboard (page and API).
REPORT_POSTS = (Post.MANAGER, Post.EXECUTIVE, Post.ADMIN, Post.SUPERVISOR)


def may_read_reports(user) -> bool:
    return has_post(user, *REPORT_POSTS)


# The period the dashboard opens on: the last DEFAULT_DAYS days, today included.
DEFAULT_DAYS = 30
# Up to this many days the trend is by day, beyond it by week (ISO weeks, Monday first).
DAILY_TREND_DAYS = 62


@dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date  # inclusive
    community_id: int | None = None
    department_id: int | None = None
    owner_id: int | None = None
    trend: str = ""  # "day" or "week"; "" chooses by the period's length

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Scope":
        """The period just before, as long as this one."""
        end = self.start - dt.timedelta(days=1)
        return Scope(
            start=end - dt.timedelta(days=self.days - 1),
            end=end,
            community_id=self.community_id,
            department_id=self.department_id,
            owner_id=self.owner_id,
            trend=self.trend,
        )

    @property
    def trend_by(self) -> str:
        return self.trend or ("day" if self.days <= DAILY_TREND_DAYS else "week")


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def current_tickets(user, scope: Scope):
    """The tickets of the scope's community, department and person the user may see, whatever
    their contact date ("overdue now")."""
    qs = tickets_visible_to(user)
    if scope.community_id:
        qs = qs.filter(community_id=scope.community_id)
    if scope.department_id:
        sent = Dispatch.objects.filter(ticket=OuterRef("pk"), department_id=scope.department_id)
        qs = qs.filter(Q(department_id=scope.department_id) | Exists(sent))
    if scope.owner_id:
        qs = qs.filter(owner_id=scope.owner_id)
    return qs


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def scoped_tickets(user, scope: Scope):
    """The scope's tickets whose customer contact falls in the period."""
    start, end = _bounds(scope.start, scope.end)
    # A merged ticket counts under its own kind, as every ticket does: merging a complaint
    # must not take it out of the complaint figures (issue #11 point 12).
    return current_tickets(user, scope).filter(contact_at__gte=start, contact_at__lt=end)


def overdue_now(user, scope: Scope):
    """The scope's open tickets past their deadline now, apart from the period."""
    return current_tickets(user, scope).overdue()


# name -> (label, numerator filter, denominator filter)
RATES = {
    "first_contact": (
        _("首问解决率"),
        Q(kind=Kind.INQUIRY, first_contact_resolution=True),
        Q(kind=Kind.INQUIRY),
    ),
    "follow_up_on_time": (
        _("按时跟进率"),
        Q(
            follow_up_due__isnull=False,
            followed_up_at__isnull=False,
            followed_up_at__lte=F("follow_up_due"),
        ),
        Q(follow_up_due__isnull=False),
    ),
    "investigation_on_time": (
        _("按时调查处理率"),
        Q(kind=Kind.COMPLAINT, decided_at__isnull=False, decided_at__lte=F("investigation_due")),
        Q(kind=Kind.COMPLAINT, reported_at__isnull=False),
    ),
    "return_visit": (
        _("回访率"),
        Q(kind=Kind.COMPLAINT, return_visit_at__isnull=False),
        Q(kind=Kind.COMPLAINT, feedback_at__isnull=False),
    ),
    "satisfied": (
        _("回访满意率"),
        Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.PARTLY]),
        ~Q(satisfaction=""),
    ),
    # CMP-1 (#14): inquiries and complaints recorded later after the contact than the
    # regulation in force allowed when they were recorded (lower is better).
    "recorded_late": (
        _("迟登记率"),
        Q(kind__in=[Kind.INQUIRY, Kind.COMPLAINT], recorded_late=True),
        Q(kind__in=[Kind.INQUIRY, Kind.COMPLAINT]),
    ),
    # SUP-2: the residents' own ratings on the portal (channels.Rating, one per ticket).
    "rated_well": (
        _("客户好评率(4–5星)"),
        Q(rating__stars__gte=4),
        Q(rating__isnull=False),
    ),
}


def _percent(numerator: int, denominator: int):
    return round(100 * numerator / denominator, 1) if denominator else None


def rate(qs, name: str) -> dict:
    return rates(qs, [name])[0][0]


def rates(qs, names=None) -> tuple[list[dict], int]:
    """The rates `names` (all by default) of the tickets `qs`, and their number, in one
    query."""
    rows, values = rates_with(qs, names)
    return rows, values["total"]


def rates_with(qs, names=None, *, extra: dict | None = None) -> tuple[list[dict], dict]:
    """rates(), and the `extra` aggregates beside `total`, in the same query."""
    names = list(names or RATES)
    counts = dict(extra or {})
    for name in names:
        _label, numerator, denominator = RATES[name]
        counts[f"{name}__n"] = Count("id", filter=numerator & denominator)
        counts[f"{name}__d"] = Count("id", filter=denominator)
    values = qs.order_by().aggregate(total=Count("id"), **counts)
    return [
        {
            "name": name,
            "label": str(RATES[name][0]),
            "numerator": values[f"{name}__n"],
            "denominator": values[f"{name}__d"],
            "percent": _percent(values[f"{name}__n"], values[f"{name}__d"]),
        }
        for name in names
    ], values


def drill(qs, name: str, part: str):
    """The tickets behind a figure: part is 'numerator' or 'denominator'."""
    _label, numerator, denominator = RATES[name]
    return qs.filter(numerator & denominator if part == "numerator" else denominator)


def breakdown(qs, field: str) -> list[dict]:
    rows = qs.order_by().values(field).annotate(n=Count("id")).order_by("-n")
    return list(rows)


def _period_figures(qs, *, statuses: bool = False) -> dict:
    """The figures of one period that also appear for the previous period, in one query
    (each a filtered count of the same pass over the period's tickets; a ticket has at most
    one rating)."""
    extra = {f"kind__{k.value}": Count("id", filter=Q(kind=k.value)) for k in Kind}
    if statuses:
        extra |= {f"status__{s.value}": Count("id", filter=Q(status=s.value)) for s in Status}
    extra |= {"rating_average": Avg("rating__stars"), "rating_n": Count("rating__id")}
    rate_rows, values = rates_with(qs, extra=extra)
    average = values["rating_average"]
    return {
        "total": values["total"],
        "rates": rate_rows,
        "by_kind": {k.value: values[f"kind__{k.value}"] for k in Kind},
        "by_status": {s.value: values[f"status__{s.value}"] for s in Status} if statuses else {},
        "ratings": {
            "average": round(average, 2) if average is not None else None,
            "n": values["rating_n"],
        },
    }


def _buckets(scope: Scope) -> list[tuple[dt.date, dt.date]]:
    """(first, last) day of each day or week (ISO, Monday first) of the period, clipped to
    it."""
    step = dt.timedelta(days=1 if scope.trend_by == "day" else 7)
    day = scope.start
    if scope.trend_by == "week":
        day -= dt.timedelta(days=day.weekday())
    out = []
    while day <= scope.end:
        out.append((max(day, scope.start), min(day + step - dt.timedelta(days=1), scope.end)))
        day += step
    return out


def trend(qs, scope: Scope) -> list[dict]:
    """Tickets by day (or by week) of contact, and by kind, every day or week of the period
    present (zero when none). One GROUP BY over a CASE of the buckets' bounds, computed here
    in the company's time zone: the database compares timestamps only (no date function
    called per row, which SQLite would run in Python)."""
    buckets = _buckets(scope)
    whens = [
        When(contact_at__lt=_bounds(first, last)[1], then=Value(i))
        for i, (first, last) in enumerate(buckets)
    ]
    bucket = Case(*whens, default=Value(len(buckets)), output_field=IntegerField())
    counts: dict = {}
    for row in (
        qs.order_by().annotate(bucket=bucket).values("bucket", "kind").annotate(n=Count("id"))
    ):
        counts.setdefault(row["bucket"], {})[row["kind"]] = row["n"]
    out = []
    for i, (first, last) in enumerate(buckets):
        kinds = counts.get(i, {})
        out.append(
            {
                "start": first.isoformat(),
                "end": last.isoformat(),
                "n": sum(kinds.values()),
                "by_kind": {k.value: kinds.get(k.value, 0) for k in Kind},
            }
        )
    return out


def _categories(qs) -> list[dict]:
    rows = list(
        qs.order_by()
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by("-n", "category_id")[:15]
    )
    named = Category.objects.select_related("parent").in_bulk([r["category_id"] for r in rows])
    return [
        {
            "id": r["category_id"],
            "n": r["n"],
            "label": category_path(named[r["category_id"]]) if r["category_id"] in named else "",
        }
        for r in rows
    ]


def dashboard(user, scope: Scope) -> dict:
    """Every figure of the dashboard: the period's, the previous period's beside them, the
    trend, and "overdue now" apart. Labels in the language of the request."""
    qs = scoped_tickets(user, scope)
    now = _period_figures(qs, statuses=True)
    before_scope = scope.previous()
    before = _period_figures(scoped_tickets(user, before_scope))
    by_status = now["by_status"]
    visits = reached_return_visits().filter(ticket__in=qs.order_by().values("id"))
    satisfaction = {
        r["satisfaction"]: r["n"]
        for r in visits.order_by().values("satisfaction").annotate(n=Count("id"))
    }
    previous_rates = {r["name"]: r for r in before["rates"]}
    return {
        "period": {"start": scope.start.isoformat(), "end": scope.end.isoformat()},
        "previous_period": {
            "start": before_scope.start.isoformat(),
            "end": before_scope.end.isoformat(),
        },
        "total": now["total"],
        "previous_total": before["total"],
        "ratings": now["ratings"],
        "previous_ratings": before["ratings"],
        "by_kind": [
            {
                "key": k.value,
                "label": str(k.label),
                "n": now["by_kind"].get(k.value, 0),
                "previous": before["by_kind"].get(k.value, 0),
            }
            for k in Kind
        ],
        "by_status": [
            {"key": s.value, "label": str(s.label), "n": by_status.get(s.value, 0)} for s in Status
        ],
        "categories": _categories(qs),
        "rates": [
            {
                **r,
                "previous_percent": previous_rates[r["name"]]["percent"],
                "previous_numerator": previous_rates[r["name"]]["numerator"],
                "previous_denominator": previous_rates[r["name"]]["denominator"],
            }
            for r in now["rates"]
        ],
        "satisfaction": [
            {"key": s.value, "label": str(s.label), "n": satisfaction.get(s.value, 0)}
            for s in Satisfaction
        ],
        "trend_by": scope.trend_by,
        "trend": trend(qs, scope),
        "kind_labels": {k.value: str(k.label) for k in Kind},
        "overdue_now": overdue_now(user, scope).count(),
    }


# --- the quality figures of a home (issue #12): the supervisor's and the executive's ----------


def complaints_by_community(user, scope: Scope, limit: int) -> list[dict]:
    """The communities with the most complaints in the scope's period, most first: (id, name,
    complaints, tickets). One grouped query."""
    rows = (
        scoped_tickets(user, scope)
        .order_by()
        .values("community_id", "community__name")
        .annotate(
            complaints=Count("id", filter=Q(kind=Kind.COMPLAINT)),
            tickets=Count("id"),
        )
        .filter(complaints__gt=0)
        .order_by("-complaints", "community__name")[:limit]
    )
    return [
        {
            "id": r["community_id"],
            "name": r["community__name"],
            "complaints": r["complaints"],
            "tickets": r["tickets"],
        }
        for r in rows
    ]
