"""The manager's service-desk figures (issue #3 §12), each with the tickets behind it.

Every metric is a pair of querysets over the same scoped ticket set: the tickets counted
(numerator) and the tickets it is a share of (denominator). The dashboard shows the
rate; each number links to the list of tickets behind it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.channels.models import Rating
from wuyedesk.tickets.choices import Kind, Satisfaction, Status
from wuyedesk.tickets.selectors import reached_return_visits, tickets_visible_to


@dataclass(frozen=True)
class Scope:
    start: dt.date
    end: dt.date  # inclusive
    community_id: int | None = None
    department_id: int | None = None
    owner_id: int | None = None


def scoped_tickets(user, scope: Scope):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(scope.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(scope.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    # A merged ticket counts under its own kind, as every ticket does: merging a complaint
    # must not take it out of the complaint figures (issue #11 point 12).
    qs = tickets_visible_to(user).filter(contact_at__gte=start, contact_at__lt=end)
    if scope.community_id:
        qs = qs.filter(community_id=scope.community_id)
    if scope.department_id:
        qs = qs.filter(
            Q(department_id=scope.department_id) | Q(dispatches__department_id=scope.department_id)
        ).distinct()
    if scope.owner_id:
        qs = qs.filter(owner_id=scope.owner_id)
    return qs


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
    # SUP-2: the residents' own ratings on the portal (channels.Rating, one per ticket).
    "rated_well": (
        _("客户好评率(4–5星)"),
        Q(rating__stars__gte=4),
        Q(rating__isnull=False),
    ),
}


def rate(qs, name: str) -> dict:
    label, numerator, denominator = RATES[name]
    counts = qs.aggregate(
        n=Count("id", filter=numerator & denominator), d=Count("id", filter=denominator)
    )
    value = round(100 * counts["n"] / counts["d"], 1) if counts["d"] else None
    return {
        "name": name,
        "label": label,
        "numerator": counts["n"],
        "denominator": counts["d"],
        "percent": value,
    }


def drill(qs, name: str, part: str):
    """The tickets behind a figure: part is 'numerator' or 'denominator'."""
    _label, numerator, denominator = RATES[name]
    return qs.filter(numerator & denominator if part == "numerator" else denominator)


def breakdown(qs, field: str) -> list[dict]:
    rows = qs.values(field).annotate(n=Count("id")).order_by("-n")
    return list(rows)


def dashboard(user, scope: Scope) -> dict:
    qs = scoped_tickets(user, scope)
    by_kind = {r["kind"]: r["n"] for r in breakdown(qs, "kind")}
    by_status = {r["status"]: r["n"] for r in breakdown(qs, "status")}
    categories = list(
        qs.values("category__parent__name", "category__name", "category_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:15]
    )
    visits = reached_return_visits().filter(ticket__in=qs.values("id"))
    satisfaction = {
        r["satisfaction"]: r["n"] for r in visits.values("satisfaction").annotate(n=Count("id"))
    }
    ratings = Rating.objects.filter(ticket__in=qs.values("id")).aggregate(
        average=Avg("stars"), n=Count("id")
    )
    return {
        "total": sum(by_kind.values()),
        "ratings": {
            "average": round(ratings["average"], 2) if ratings["average"] is not None else None,
            "n": ratings["n"],
        },
        "by_kind": [
            {"key": k.value, "label": str(k.label), "n": by_kind.get(k.value, 0)} for k in Kind
        ],
        "by_status": [
            {"key": s.value, "label": str(s.label), "n": by_status.get(s.value, 0)} for s in Status
        ],
        "categories": [
            {
                "id": c["category_id"],
                "n": c["n"],
                "label": "/".join(
                    p for p in (c["category__parent__name"], c["category__name"]) if p
                ),
            }
            for c in categories
        ],
        "rates": [rate(qs, name) for name in RATES],
        "satisfaction": [
            {"key": s.value, "label": str(s.label), "n": satisfaction.get(s.value, 0)}
            for s in Satisfaction
        ],
        "overdue_now": tickets_visible_to(user).overdue().count(),
    }
