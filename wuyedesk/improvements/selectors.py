"""Reads of improvement items, scoped to what the user may see.

For an item made from a complaint's corrective measure, the measure is the one source of
truth for "done" and "verified" (it may be marked on the ticket page too): `status_now`
folds its state into the item's status, and every list, filter and count uses it.
"""

from django.db.models import BooleanField, Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, is_staff_member, posts_of, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.improvements.choices import ACTIVE_STATUSES, ItemStatus
from wuyedesk.improvements.models import ImprovementItem, ImprovementUpdate

# The version every write to an item or a corrective measure bumps (receivers.py), under
# which the homes keep their item counts (web/home.py `_kept`, issue #12 Speed).
VERSION = "improvements"

RELATED = (
    "department",
    "community",
    "owner__staff",
    "measure__ticket",
    "verified_by__staff",
    "campaign",
    "dimension",
)


def with_status(queryset):
    return queryset.annotate(
        status_now=Case(
            When(measure__verified_at__isnull=False, then=Value(ItemStatus.EFFECTIVE.value)),
            When(
                measure__done_at__isnull=False,
                status__in=ACTIVE_STATUSES,
                then=Value(ItemStatus.DONE.value),
            ),
            default=F("status"),
            output_field=CharField(),
        ),
        done_at_now=Coalesce("measure__done_at", "done_at"),
    ).annotate(
        is_overdue=Case(
            When(status_now__in=ACTIVE_STATUSES, due__lt=timezone.localdate(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def items_visible_to(user):
    """Customer-service posts see the items of their communities, their department's and
    their own; department staff see their department's items and those they own."""
    qs = with_status(ImprovementItem.objects.select_related(*RELATED))
    if not is_staff_member(user):
        return qs.none()
    staff = staff_of(user)
    own = Q(owner=user)
    if staff is not None and staff.department_id:
        own |= Q(department_id=staff.department_id)
    if posts_of(user) <= {Post.DEPARTMENT.value}:
        return qs.filter(own)
    ids = community_ids(user)
    if ids is None:
        return qs
    return qs.filter(Q(community_id__in=ids) | own)


def item_get_for_user(user, pk):
    return get_object_or_404(items_visible_to(user), pk=pk)


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(status_now__in=ACTIVE_STATUSES, due__lt=today)


def filter_items(
    queryset,
    *,
    department=None,
    community=None,
    status="",
    source="",
    overdue=False,
    owner=None,
    campaign=None,
    active=False,
):
    if department:
        queryset = queryset.filter(department_id=department)
    if community:
        queryset = queryset.filter(community_id=community)
    if status:
        queryset = queryset.filter(status_now=status)
    if source:
        queryset = queryset.filter(source=source)
    if overdue:
        queryset = queryset.filter(overdue_q())
    if owner:
        queryset = queryset.filter(owner_id=owner)
    if campaign:
        queryset = queryset.filter(campaign_id=campaign)
    if active:
        queryset = queryset.filter(status_now__in=ACTIVE_STATUSES)
    return queryset


def updates_of(item):
    return ImprovementUpdate.objects.filter(item=item).select_related("by__staff")


def overview(user) -> list[dict]:
    """Per department: open (not yet done), overdue, done awaiting verification, effective,
    not effective — one grouped query."""
    today = timezone.localdate()
    rows = (
        items_visible_to(user)
        .order_by()
        .values("department_id", "department__name")
        .annotate(
            open=Count("id", filter=Q(status_now__in=ACTIVE_STATUSES)),
            overdue=Count("id", filter=Q(status_now__in=ACTIVE_STATUSES, due__lt=today)),
            done=Count("id", filter=Q(status_now=ItemStatus.DONE)),
            effective=Count("id", filter=Q(status_now=ItemStatus.EFFECTIVE)),
            not_effective=Count("id", filter=Q(status_now=ItemStatus.NOT_EFFECTIVE)),
            total=Count("id"),
        )
        .order_by("department__name")
    )
    return list(rows)
