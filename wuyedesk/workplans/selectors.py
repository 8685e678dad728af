"""Reads of work plans and work reports, scoped to what the user may see.

Plans: the manager and the assistant see every plan of their scope (the company's and their
communities'), executives every plan, specialists the published plans of their scope
(read-only). Reports: the manager and the assistant see the reports of their scope,
executives the approved ones. Residents and the other posts see none.
"""

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.workplans.choices import PlanStatus, ReportStatus
from wuyedesk.workplans.models import Initiative, WorkPlan, WorkReport, WorkReportEvent

EDITORS = (Post.MANAGER, Post.ASSISTANT)  # draft and edit plans and reports
APPROVERS = (Post.MANAGER,)  # publish plans, approve or return reports
EXECUTIVES = (Post.EXECUTIVE,)
PLAN_READERS = (*EDITORS, *EXECUTIVES, Post.SPECIALIST)
# The version the plan services bump: the homes keep the targets' actuals until it or the
# tickets change (web/home.py `_kept`).
PLANS_VERSION = "work-plans"
# The version every write to a work report bumps (receivers.py), under which the manager's
# home keeps its count of reports to approve. Its updates without a signal write only the
# draft's and the PDF's state.
REPORTS_VERSION = "work-reports"
REPORT_READERS = (*EDITORS, *EXECUTIVES)


def may_edit(user) -> bool:
    return has_post(user, *EDITORS)


def may_approve(user) -> bool:
    return has_post(user, *APPROVERS)


def may_read_plans(user) -> bool:
    return has_post(user, *PLAN_READERS)


def may_read_reports(user) -> bool:
    return has_post(user, *REPORT_READERS)


def _in_scope(qs, user):
    ids = community_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(community__isnull=True) | Q(community_id__in=ids))


def plans_visible_to(user):
    qs = WorkPlan.objects.select_related("community", "created_by__staff")
    if has_post(user, *EDITORS, *EXECUTIVES):
        return _in_scope(qs, user)
    if has_post(user, Post.SPECIALIST):
        return _in_scope(qs.filter(status=PlanStatus.ACTIVE), user)
    return qs.none()


def plan_get_for_user(user, pk) -> WorkPlan:
    return get_object_or_404(plans_visible_to(user), pk=pk)


def initiatives_of(plan):
    return Initiative.objects.filter(plan=plan).select_related("owner__staff")


_ANY = object()


def current_plans(user, today: dt.date | None = None, limit: int = 3, community_id=_ANY):
    """The published plans of the user's scope whose period holds today (a home's targets);
    of one scope only when `community_id` is given (None: the company's)."""
    today = today or timezone.localdate()
    qs = plans_visible_to(user).filter(status=PlanStatus.ACTIVE, start__lte=today, end__gte=today)
    if community_id is not _ANY:
        qs = qs.filter(community_id=community_id)
    return qs.prefetch_related("targets").order_by("community_id", "end", "id")[:limit]


def plans_for_period(user, start: dt.date, end: dt.date, community_id: int | None):
    """Published plans of exactly this scope whose period overlaps [start, end]."""
    return (
        plans_visible_to(user)
        .filter(status=PlanStatus.ACTIVE, start__lte=end, end__gte=start)
        .filter(community_id=community_id)
        .prefetch_related("targets")
        .order_by("start", "id")
    )


def reports_visible_to(user):
    qs = WorkReport.objects.select_related("community", "drafted_by__staff")
    if has_post(user, *EDITORS):
        return _in_scope(qs, user)
    if has_post(user, *EXECUTIVES):
        return _in_scope(qs.filter(status=ReportStatus.APPROVED), user)
    return qs.none()


def report_get_for_user(user, pk) -> WorkReport:
    return get_object_or_404(reports_visible_to(user), pk=pk)


def events_of(report):
    return WorkReportEvent.objects.filter(report=report).select_related("by__staff")


# The lists of reports by state (the homes' numbers link to them: ?status=...).
def filter_reports(qs, *, status: str = "", cadence: str = "", community=None):
    if status:
        qs = qs.filter(status=status)
    if cadence:
        qs = qs.filter(cadence=cadence)
    if community:
        qs = qs.filter(community_id=community)
    return qs
