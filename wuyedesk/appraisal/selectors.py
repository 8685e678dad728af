"""Reads of the appraisal for pages, the API and other apps.

For rewards (issue #16 point 5): `published_results(cycle)` -> [(user id, total, band)] of
the cycle's published appraisals, highest total first; total a Decimal (one decimal), band
a choices.Band value.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.appraisal import access
from wuyedesk.appraisal.choices import (
    CRITERION_OF,
    DETAILS,
    Component,
    Criterion,
    CycleStatus,
    DisputeStatus,
    Status,
)
from wuyedesk.appraisal.models import Appraisal, Cycle, Dispute, Item

# What the homes keep from appraisals (web/home.py) is kept under this version, bumped by
# every write to them (appraisal/receivers.py and the bulk writes).
VERSION = "appraisal"
REFS_INLINE = 30  # a row listing more records than this lists them on demand


def published_results(cycle: Cycle) -> list[tuple[int, object, str]]:
    rows = (
        Appraisal.objects.filter(cycle=cycle, status=Status.PUBLISHED, total__isnull=False)
        .order_by("-total", "person_id")
        .values_list("person_id", "total", "band")
    )
    return list(rows)


# --- pages and the API ------------------------------------------------------------------


def cycles_visible_to(user):
    """Reviewers (managers, executives) see every cycle; the others their own appraisals."""
    if not access.is_reviewer(user):
        return Cycle.objects.none()
    return Cycle.objects.select_related("settings")


def appraisals_visible_to(user):
    return access.appraisals_visible_to(user)


def mine(user):
    return (
        appraisals_visible_to(user).filter(person=user).order_by("-cycle__year", "-cycle__quarter")
    )


def reviewed_in(user, cycle):
    q = access.reviewed_by_q(user)
    if q is None:
        return Appraisal.objects.none()
    return (
        Appraisal.objects.filter(q, cycle=cycle)
        .select_related("person__staff", "department")
        .order_by("department__name", "person__staff__name", "pk")
    )


def appraisal_get_for_user(user, pk) -> Appraisal:
    return get_object_or_404(
        appraisals_visible_to(user).select_related("cycle__settings", "reviewed_by__staff"), pk=pk
    )


def local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def item_link(item, person_id=None) -> str:
    if item.component == Component.ATTENDANCE and person_id is not None:
        return f"{reverse('staffing:person', args=[person_id])}?month={item.label}"
    if item.component == Component.TRAINING and person_id is not None:
        return reverse("training_record", args=[person_id])
    if item.ref_id is None:
        return ""
    if item.component in TICKET_PARTS:
        return reverse("ticket_detail", kwargs={"pk": item.ref_id})
    if item.component in INSPECTION_PARTS:
        return reverse("supervision:inspection", args=[item.ref_id])
    return ""


TICKET_PARTS = (
    Component.DEADLINE,
    Component.FIRST_CONTACT,
    Component.RATING,
    Component.RETURN_VISIT,
    Component.COMPLAINT,
)

INSPECTION_PARTS = (Component.INSPECTION, Component.CONDUCT)


def detail(user, appraisal: Appraisal) -> dict:
    """Everything behind the appraisal in a constant number of queries: the records by part
    (with their links and open disputes), the disputes and the history."""
    visible = access.contents_visible(user, appraisal)
    # A row may list thousands of tickets (refs): those over REFS_INLINE are listed on
    # demand (records()), the others read in one query.
    items = list(appraisal.items.defer("refs")) if visible else []
    short = [i.pk for i in items if i.grouped and i.count <= REFS_INLINE]
    refs = dict(Item.objects.filter(pk__in=short).values_list("pk", "refs")) if short else {}
    disputes = list(
        appraisal.disputes.select_related("item", "answered_by__staff").order_by("created_at", "pk")
    )
    open_items = {d.item_id for d in disputes if d.status == DisputeStatus.OPEN}
    parts: dict[str, list] = {}
    tickets_url = reverse("ticket_queue")
    for item in items:
        item.link = item_link(item, appraisal.person_id)
        item.ref_url = tickets_url if item.component in TICKET_PARTS else ""
        item.when = local(item.at) if item.at else ""
        item.disputed = item.pk in open_items
        item.detail_label = DETAILS.get(item.detail, item.detail)
        item.ref_list = refs.get(item.pk)
        item.records_url = (
            reverse("appraisal:records", args=[appraisal.pk, item.pk])
            if item.grouped and item.ref_list is None
            else ""
        )
        if item.records_url:
            item.records_label = _("列出这 %(n)s 条记录") % {"n": item.count}
        parts.setdefault(item.component, []).append(item)
    criteria = []
    for criterion, label in Criterion.choices:
        weight = appraisal.cycle.weights.get(criterion, 0)
        if not weight:
            continue
        components = [c for c, owner in CRITERION_OF.items() if owner == criterion]
        criteria.append(
            {
                "code": criterion,
                "label": label,
                "weight": weight,
                "score": appraisal.scores.get(criterion) if visible else None,
                "parts": [
                    {
                        "code": c,
                        "label": Component(c).label,
                        "score": appraisal.parts.get(c) if visible else None,
                        "items": parts.get(c, []),
                        "records": sum(i.count for i in parts.get(c, [])),
                    }
                    for c in components
                ],
            }
        )
    changes = list(appraisal.changes.select_related("by__staff")) if visible else []
    return {
        "visible": visible,
        "criteria": criteria,
        "disputes": disputes,
        "changes": changes,
    }


def records(user, appraisal: Appraisal, item_pk) -> Item:
    """One row of the appraisal with every record it stands for (Item.refs), for whoever
    may see the appraisal's contents."""
    if not access.contents_visible(user, appraisal):
        raise PermissionDenied
    item = get_object_or_404(appraisal.items, pk=item_pk)
    item.ref_list = item.refs
    item.ref_url = reverse("ticket_queue") if item.component in TICKET_PARTS else ""
    return item


def open_disputes(user):
    q = access.reviewed_by_q(user)
    if q is None:
        return Dispute.objects.none()
    ids = Appraisal.objects.filter(q).values("pk")
    return (
        Dispute.objects.filter(appraisal__in=ids, status=DisputeStatus.OPEN)
        .select_related("appraisal__person__staff", "appraisal__cycle", "item")
        .order_by("created_at", "pk")
    )


def waiting_review(user):
    """Appraisals of computed cycles the user reviews, not yet published."""
    q = access.reviewed_by_q(user)
    if q is None:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(q, cycle__status=CycleStatus.COMPUTED).exclude(
        status=Status.PUBLISHED
    )


def answered_for(user):
    """The person's disputes answered while the appraisal's window is open."""
    return Dispute.objects.filter(
        appraisal__person=user,
        appraisal__status=Status.PUBLISHED,
        appraisal__dispute_until__gte=timezone.now(),
    ).exclude(status=DisputeStatus.OPEN)


def published_open(user):
    """The person's published appraisals still open to dispute."""
    return Appraisal.objects.filter(
        person=user, status=Status.PUBLISHED, dispute_until__gte=timezone.now()
    )


def home_counts(user) -> dict:
    """The home's figures; each is the count of the list its link opens."""
    counts = {
        "published": published_open(user).count(),
        "answered": answered_for(user).count(),
    }
    if access.is_reviewer(user):
        counts["waiting"] = waiting_review(user).count()
        counts["disputes"] = open_disputes(user).count()
    return counts
