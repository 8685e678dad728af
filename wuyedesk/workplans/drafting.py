"""A work report's figures, drafted from the data section by section (AST-2).

Every figure is the dashboard's (`reports.metrics.dashboard` for the report's period and
scope, stored as it answers, so the report shows exactly what the dashboard shows for the
same month) or comes from the selector of the list it summarises (improvement items,
staff, plans' targets). The worker runs `draft()`; after each section it records its
progress, which the report's page polls.
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.selectors import active_staff
from wuyedesk.improvements import selectors as improvements
from wuyedesk.improvements.choices import ACTIVE_STATUSES, ItemStatus
from wuyedesk.properties.models import Community
from wuyedesk.reports import metrics
from wuyedesk.rewards.selectors import report_counts
from wuyedesk.supervision.selectors import inspection_figures
from wuyedesk.tickets.choices import Kind, Outcome, Status
from wuyedesk.workplans import figures as target_figures
from wuyedesk.workplans import selectors


def scope_of(report) -> metrics.Scope:
    """The dashboard's scope of the report: its period and community."""
    return metrics.Scope(start=report.start, end=report.end, community_id=report.community_id)


def _bounds(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def communities_section(user, scope) -> list[dict]:
    """Tickets and complaints per community (the dashboard's counts, grouped)."""
    rows = (
        metrics.scoped_tickets(user, scope)
        .order_by()
        .values("community_id")
        .annotate(n=Count("id"), complaints=Count("id", filter=Q(kind=Kind.COMPLAINT)))
        .order_by("-n", "community_id")
    )
    rows = list(rows)
    names = dict(
        Community.objects.filter(id__in=[r["community_id"] for r in rows]).values_list("id", "name")
    )
    return [
        {
            "id": r["community_id"],
            "name": names.get(r["community_id"], ""),
            "n": r["n"],
            "complaints": r["complaints"],
        }
        for r in rows
    ]


def complaints_section(user, scope) -> dict:
    qs = metrics.scoped_tickets(user, scope).filter(kind=Kind.COMPLAINT)
    by_status = {r["status"]: r["n"] for r in metrics.breakdown(qs, "status")}
    by_outcome = {r["outcome"]: r["n"] for r in metrics.breakdown(qs, "outcome")}
    return {
        "total": sum(by_status.values()),
        "by_status": [
            {"key": s.value, "label": str(s.label), "n": by_status.get(s.value, 0)}
            for s in Status
            if by_status.get(s.value)
        ],
        "by_outcome": [
            {"key": o.value, "label": str(o.label), "n": by_outcome.get(o.value, 0)}
            for o in Outcome
            if by_outcome.get(o.value)
        ],
        "undecided": by_outcome.get("", 0),
        "per_100_households": target_figures.complaints_per_100(
            user,
            target_figures.Period(scope.start, scope.end, scope.community_id),
            sum(by_status.values()),
        ),
        "households": target_figures.households(user, scope.community_id),
    }


def inspection_section(user, scope) -> dict:
    """The supervision group's inspections closed in the period, as
    `supervision.selectors.inspection_figures` counts them within the drafter's scope, of the
    report's community's people when the report is a community's."""
    figures = inspection_figures(user, scope.start, scope.end, scope.community_id)
    return {"available": True, **figures}


def improvements_section(user, scope) -> dict:
    qs = improvements.items_visible_to(user)
    if scope.community_id:
        qs = qs.filter(community_id=scope.community_id)
    start, end = _bounds(scope.start, scope.end)
    values = qs.order_by().aggregate(
        created=Count("id", filter=Q(created_at__gte=start, created_at__lt=end)),
        done=Count("id", filter=Q(done_at_now__gte=start, done_at_now__lt=end)),
        open=Count("id", filter=Q(status_now__in=ACTIVE_STATUSES)),
        overdue=Count("id", filter=improvements.overdue_q()),
        effective=Count("id", filter=Q(status_now=ItemStatus.EFFECTIVE)),
    )
    return values


def targets_section(user, scope) -> list[dict]:
    """The published plans of the same scope that overlap the period, each target against
    its actual up to the report's last day."""
    out = []
    for plan in selectors.plans_for_period(user, scope.start, scope.end, scope.community_id):
        out.append(
            {
                "plan": plan.pk,
                "title": plan.title,
                "start": plan.start.isoformat(),
                "end": plan.end.isoformat(),
                "targets": target_figures.target_rows(user, plan, today=scope.end),
            }
        )
    return out


def staffing_section(user, scope) -> dict:
    """Active colleagues by post (of the community, when the report has one), and the
    tickets each specialist owned in the period."""
    staff = active_staff(user)
    if scope.community_id:
        staff = staff.filter(communities=scope.community_id)
    counts = dict(
        staff.order_by()
        .values_list("posts__post")
        .annotate(n=Count("id", distinct=True))
        .values_list("posts__post", "n")
    )
    owners = metrics.breakdown(metrics.scoped_tickets(user, scope), "owner__staff__name")
    return {
        "by_post": [
            {"key": p.value, "label": str(p.label), "n": counts.get(p.value, 0)}
            for p in Post
            if counts.get(p.value)
        ],
        "owners": [{"name": r["owner__staff__name"] or "", "n": r["n"]} for r in owners[:20]],
    }


def rewards_section(user, scope) -> dict:
    """Rewards and penalties that took effect in the period, by kind: counts only, never
    names, whoever reads the report (rewards.selectors.report_counts)."""
    return report_counts(user, scope.start, scope.end, scope.community_id)


# section key -> its computation (the dashboard first: volumes, deadlines and satisfaction)
STEPS = (
    ("dashboard", lambda user, scope: metrics.dashboard(user, scope)),
    ("communities", communities_section),
    ("complaints", complaints_section),
    ("inspections", inspection_section),
    ("improvements", improvements_section),
    ("targets", targets_section),
    ("staffing", staffing_section),
    ("rewards", rewards_section),
)


def draft(user, scope, progress=None) -> dict:
    """Every figure of the report; `progress(done, total)` after each section."""
    out = {}
    for i, (key, compute) in enumerate(STEPS, start=1):
        out[key] = compute(user, scope)
        if progress is not None:
            progress(i, len(STEPS))
    return out
