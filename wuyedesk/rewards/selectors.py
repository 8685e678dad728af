"""Who sees which rewards and penalties, and what waits for whom (issue #16 point 5).

A person sees their own records; the manager the records of their department's people
(colleagues of the manager's department who share a community with them); executives all.
Other posts (the administrator among them) see only their own, unless also a manager.
Nobody approves, or decides the appeal of, a record about themselves.
"""

import datetime as dt

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import has_post, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.accounts.selectors import staff_visible_to
from wuyedesk.policies.services import policy
from wuyedesk.rewards.choices import (
    EXECUTIVE_KINDS,
    IN_EFFECT,
    REWARDS,
    MeasureKind,
    MeasureStatus,
)
from wuyedesk.rewards.models import Measure, MeasureEvent

# What the homes keep from rewards and penalties (web/home.py) is kept under this version,
# bumped by every write to them (rewards/receivers.py).
VERSION = "rewards"


def is_manager(user) -> bool:
    return has_post(user, Post.MANAGER)


def is_executive(user) -> bool:
    return has_post(user, Post.EXECUTIVE)


def reach_of(user):
    """The staff whose records the user may see as a manager or executive (not themselves
    unless in it): everyone for executives; for a manager, the department's colleagues who
    share a community with them; nobody for other posts."""
    if is_executive(user):
        return Staff.objects.all()
    if not is_manager(user):
        return Staff.objects.none()
    qs = staff_visible_to(user).order_by()
    me = staff_of(user)
    if me is not None and me.department_id is not None:
        qs = qs.filter(department_id=me.department_id)
    return qs


def in_reach(user, staff) -> bool:
    return reach_of(user).filter(pk=staff.pk).exists()


def measures_visible_to(user):
    qs = Measure.objects.select_related("staff", "staff__department")
    me = staff_of(user)
    own = Q(staff=me) if me is not None else Q(pk__in=[])
    if is_executive(user):
        return qs
    if is_manager(user):
        return qs.filter(own | Q(staff__in=reach_of(user).values("pk")))
    return qs.filter(own)


def measure_get_for_user(user, pk) -> Measure:
    return get_object_or_404(measures_visible_to(user), pk=pk)


def events_of(measure):
    return MeasureEvent.objects.filter(measure=measure).select_related("by__staff")


# --- who may do what with one record --------------------------------------------------------


def _not_self(user, measure) -> bool:
    me = staff_of(user)
    return me is None or me.pk != measure.staff_id


def may_propose(user) -> bool:
    return is_manager(user)


def may_approve(user, measure) -> bool:
    return (
        measure.status == MeasureStatus.PROPOSED
        and is_manager(user)
        and _not_self(user, measure)
        and in_reach(user, measure.staff)
    )


def may_approve_as_executive(user, measure) -> bool:
    return (
        measure.status == MeasureStatus.EXECUTIVE
        and is_executive(user)
        and _not_self(user, measure)
    )


def may_appeal(user, measure, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    me = staff_of(user)
    return (
        me is not None
        and me.pk == measure.staff_id
        and measure.status == MeasureStatus.APPROVED
        and measure.is_penalty
        and not measure.appeal_outcome
        and measure.appeal_until is not None
        and now <= measure.appeal_until
    )


def may_decide_appeal(user, measure) -> bool:
    if measure.status != MeasureStatus.APPEALED or not _not_self(user, measure):
        return False
    if measure.kind in EXECUTIVE_KINDS:
        return is_executive(user)
    return is_manager(user) and in_reach(user, measure.staff)


# --- what waits for whom (the homes' numbers and the lists they open) ------------------------


def waiting_q(user) -> Q:
    """The records waiting for this user's decision: proposals to approve, appeals to
    decide."""
    me = staff_of(user)
    parts = Q(pk__in=[])
    if is_manager(user):
        reach = Q(staff__in=reach_of(user).values("pk"))
        parts |= reach & Q(status=MeasureStatus.PROPOSED)
        parts |= reach & Q(status=MeasureStatus.APPEALED) & ~Q(kind__in=EXECUTIVE_KINDS)
    if is_executive(user):
        parts |= Q(status=MeasureStatus.EXECUTIVE)
        parts |= Q(status=MeasureStatus.APPEALED, kind__in=EXECUTIVE_KINDS)
    if me is not None:
        parts &= ~Q(staff=me)
    return parts


def recent_since() -> dt.datetime:
    """How far back "a decision about you" and "appeal answered" look: the appeal window of
    the version in force."""
    return timezone.now() - dt.timedelta(days=policy().reward_appeal_days)


MINE = ("decided", "answered")


def filter_measures(qs, user, *, status="", kind="", staff=None, waiting=False, mine=""):
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if staff:
        qs = qs.filter(staff_id=staff)
    if waiting:
        qs = qs.filter(waiting_q(user))
    if mine:
        me = staff_of(user)
        qs = qs.filter(staff=me) if me is not None else qs.none()
        if mine == "decided":
            qs = qs.filter(effective_at__gte=recent_since())
        elif mine == "answered":
            qs = qs.filter(appeal_decided_at__gte=recent_since())
    return qs


def may_see_history(user, staff) -> bool:
    me = staff_of(user)
    return (me is not None and me.pk == staff.pk) or in_reach(user, staff)


def history_of(user, staff):
    """The staff profile's history: the records of that person the user may see (none,
    and None, for a reader who may not see that person's records)."""
    if not may_see_history(user, staff):
        return None
    return measures_visible_to(user).filter(staff=staff)


def counts_by_kind(start: dt.datetime, end: dt.datetime, staff=None) -> dict[str, int]:
    """Records that took effect in [start, end) and still count (not revoked), by kind; of
    `staff` (a queryset of Staff) when given."""
    qs = Measure.objects.filter(status__in=IN_EFFECT, effective_at__gte=start, effective_at__lt=end)
    if staff is not None:
        qs = qs.filter(staff__in=staff)
    rows = qs.order_by().values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def report_counts(user, start: dt.date, end: dt.date, community_id: int | None) -> dict:
    """The work report's section (workplans.drafting): the rewards and penalties that took
    effect in the period and still count, by kind, counts only (no names: the report goes
    to readers who may not see the people's records). Of the staff the drafter may see
    (archived too: a dismissal archives the person), of the community when the report has
    one."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    staff = staff_visible_to(user).order_by()
    if community_id:
        staff = staff.filter(communities=community_id)
    counts = counts_by_kind(since, until, staff.values("pk"))
    rows = [
        {
            "key": kind.value,
            "label": str(kind.label),
            "reward": kind in REWARDS,
            "n": counts.get(kind.value, 0),
        }
        for kind in MeasureKind
    ]
    return {
        "by_kind": rows,
        "rewards": sum(r["n"] for r in rows if r["reward"]),
        "penalties": sum(r["n"] for r in rows if not r["reward"]),
    }
