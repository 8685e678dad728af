"""Reads of supervision, scoped to what the user may see (rules in supervision.access).

For other apps (meetings' agendas, work reports):

- `findings(user, since, until)`: the failed items of inspections closed in [since, until]
  (dates, Asia/Shanghai days) that the user may see, newest first; each a Finding with its
  inspection, checklist item, person and rectification (improvement item) loaded.
- `inspection_figures(user, start, end)`: {count, mean_score, critical_fails,
  calibrated_pairs, calibration_rate} of the inspections closed in [start, end] in the
  user's scope (executives: the company's; the figures only, no item comments).
  `calibration_rate` is the share (%) of pairs compared in the period whose divergence was
  within the policy's threshold, None when there are none.

The supervisor's home: `home_counts(user)` (inspections due this period, open calibrations,
rectifications overdue), each the count of the list it links to (`due_list`,
`calibrations_of(user, open_only=True)`, improvements' list filtered by source and overdue).
"""

import datetime as dt

from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, is_staff_member
from wuyedesk.improvements import selectors as improvements
from wuyedesk.improvements.choices import Source
from wuyedesk.lib.dates import month_end
from wuyedesk.supervision import access
from wuyedesk.supervision.choices import Status
from wuyedesk.supervision.models import (
    Calibration,
    Checklist,
    Finding,
    GroupMember,
    Inspection,
    Plan,
)
from wuyedesk.supervision.services.inspections import day_bounds


def inspections_visible_to(user):
    return access.inspections_visible_to(user)


def inspection_get_for_user(user, pk) -> Inspection:
    return get_object_or_404(inspections_visible_to(user), pk=pk)


def filter_inspections(qs, *, user, due_period=False, mine=False, person=None, status="", kind=""):
    if due_period:
        qs = qs.filter(due_q(user))
    if mine:
        qs = qs.filter(inspected=user)
    if person:
        qs = qs.filter(inspected_id=person)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def due_q(user, today=None) -> Q:
    """Open, due by the end of this month, taken by the user or by nobody yet."""
    today = today or timezone.localdate()
    return Q(status=Status.OPEN, due__lte=month_end(today)) & (
        Q(inspector=user) | Q(inspector__isnull=True)
    )


def due_list(user):
    if not access.is_inspector(user):
        return Inspection.objects.none()
    return inspections_visible_to(user).filter(due_q(user))


def calibrations_of(user, *, open_only=False):
    """The pairs the user is one side of (inspectors) or of their department (manager)."""
    qs = Calibration.objects.select_related(
        "first__inspected__staff",
        "first__inspector__staff",
        "second__inspector__staff",
        "first__ticket",
        "first__call",
    )
    if not is_staff_member(user):
        return qs.none()
    visible = inspections_visible_to(user).values("pk")
    qs = qs.filter(Q(first__inspector=user) | Q(second__inspector=user) | Q(first__in=visible))
    if open_only:
        qs = qs.filter(compared_at__isnull=True)
    return qs.distinct()


def rectifications_overdue(user):
    return improvements.filter_items(
        improvements.items_visible_to(user), source=Source.INSPECTION, overdue=True
    )


def home_links() -> dict:
    """The lists `home_counts` counts."""
    return {
        "due": f"{reverse('supervision:inspections')}?due=period",
        "calibrations": f"{reverse('supervision:calibrations')}?open=1",
        "overdue": f"{reverse('improvement_list')}?source={Source.INSPECTION}&overdue=on",
    }


def _count(qs) -> int:
    """The rows of a list's queryset, counted without the related rows it reads for showing
    them: COUNT over DISTINCT ids, where the list's own count wraps DISTINCT over the
    columns of every table it joins (seven for the inspections)."""
    return qs.select_related(None).values("pk").count()


def home_counts(user) -> dict:
    return {
        "due": _count(due_list(user)),
        "calibrations": _count(calibrations_of(user, open_only=True)),
        "overdue": _count(rectifications_overdue(user)),
    }


def _scope_q(user, field="inspected") -> Q | None:
    """The people whose figures the user sees: every staff member of their communities
    (summary readers), else only themselves. None: the company."""
    if not access.may_see_summary(user):
        return Q(**{field: user})
    ids = community_ids(user)
    if ids is None:
        return None
    return Q(**{f"{field}__staff__communities__in": ids})


def findings(user, since: dt.date, until: dt.date):
    low, high = day_bounds(since, until)
    qs = Finding.objects.select_related(
        "inspection", "item", "person__staff", "improvement"
    ).filter(inspection__in=inspections_visible_to(user).values("pk"), at__gte=low, at__lt=high)
    return qs.order_by("-at", "-id")


def inspection_figures(user, start: dt.date, end: dt.date, community_id: int | None = None) -> dict:
    """The closed inspections of the user's scope in the period, narrowed to the people of one
    community when `community_id` is given (a community's work report)."""
    low, high = day_bounds(start, end)
    closed = Inspection.objects.filter(status=Status.CLOSED, closed_at__gte=low, closed_at__lt=high)
    if community_id is not None:
        people = Inspection.objects.filter(inspected__staff__communities=community_id)
        closed = closed.filter(pk__in=people.values("pk"))
    scope = _scope_q(user)
    if not is_staff_member(user):
        closed = closed.none()
    elif scope is not None:
        closed = closed.filter(pk__in=Inspection.objects.filter(scope).values("pk"))
    row = closed.aggregate(
        count=Count("id"),
        mean=Avg("score"),
        critical=Count("id", filter=Q(critical_fail=True)),
    )
    pairs = Calibration.objects.filter(compared_at__gte=low, compared_at__lt=high)
    narrowed = scope is not None or community_id is not None
    pairs = pairs.filter(first__in=closed.values("pk")) if narrowed else pairs
    if not is_staff_member(user):
        pairs = pairs.none()
    counted = pairs.aggregate(n=Count("id"), within=Count("id", filter=Q(flagged=False)))
    rate = round(100 * counted["within"] / counted["n"], 1) if counted["n"] else None
    return {
        "count": row["count"],
        "mean_score": round(float(row["mean"]), 1) if row["mean"] is not None else None,
        "critical_fails": row["critical"],
        "calibrated_pairs": counted["n"],
        "calibration_rate": rate,
    }


def members():
    return GroupMember.objects.filter(ended_at__isnull=True).select_related(
        "user__staff", "appointed_by__staff"
    )


def checklists():
    return Checklist.objects.select_related("created_by__staff").prefetch_related("items")


def plans_visible_to(user):
    """Plans of the people of the user's communities (and their own)."""
    if not (access.may_plan(user) or access.is_member(user)):
        return Plan.objects.none()
    qs = Plan.objects.select_related("created_by__staff")
    ids = community_ids(user)
    if ids is None:
        return qs
    mine = Plan.objects.filter(Q(created_by=user) | Q(people__staff__communities__in=ids))
    return qs.filter(pk__in=mine.values("pk"))


def person_findings(user, person):
    """The person's findings the user may see, repeated ones flagged."""
    return (
        Finding.objects.filter(
            person=person, inspection__in=inspections_visible_to(user).values("pk")
        )
        .select_related("item", "improvement", "inspection")
        .order_by("-at")
    )


def this_month() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(day=1), month_end(today)
