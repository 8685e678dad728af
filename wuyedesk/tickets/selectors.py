"""Reads of tickets, scoped to what the user may see; the queues; search."""

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, is_staff_member, posts_of, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.lib.search import query_tokens
from wuyedesk.tickets.choices import Status
from wuyedesk.tickets.models import Dispatch, Ticket

LIST_RELATED = (
    "category",
    "category__parent",
    "community",
    "resident",
    "owner__staff",
    "department",
    "room__unit__building",
)


def tickets_visible_to(user):
    """Customer-service posts see their communities' tickets; department staff (and partner
    contractors) see the tickets sent to their department."""
    qs = Ticket.objects.all()
    if not is_staff_member(user):
        return qs.none()
    ids = community_ids(user)
    posts = posts_of(user)
    if posts <= {Post.DEPARTMENT.value}:
        staff = staff_of(user)
        sent = Dispatch.objects.filter(ticket=OuterRef("pk"), department_id=staff.department_id)
        qs = qs.filter(Exists(sent))
    if ids is not None:
        qs = qs.filter(community_id__in=ids)
    return qs


def ticket_get_for_user(user, pk):
    return get_object_or_404(
        tickets_visible_to(user).select_related(
            *LIST_RELATED, "created_by__staff", "incident", "merged_into"
        ),
        pk=pk,
    )


def _soonest_first(qs):
    return qs.order_by(F("next_due").asc(nulls_last=True), "-id")


def queue(user, name: str, *, department_id=None):
    """The named queues of the service desk (issue #3 §8)."""
    qs = tickets_visible_to(user).select_related(*LIST_RELATED)
    open_ = qs.filter(closed_at__isnull=True)
    if name == "mine":
        return _soonest_first(open_.filter(owner=user))
    if name == "team":
        return _soonest_first(open_)
    if name == "overdue":
        return _soonest_first(open_.filter(overdue_since__isnull=False))
    if name == "unassigned":
        return _soonest_first(open_.filter(owner__isnull=True))
    if name == "return_visits":
        return open_.filter(status=Status.AWAITING_RETURN_VISIT).order_by(
            F("return_visit_due").asc(nulls_last=True), "-id"
        )
    if name == "department":
        if department_id is None:
            staff = staff_of(user)
            department_id = staff.department_id if staff else None
        pending = Dispatch.objects.filter(
            ticket=OuterRef("pk"),
            department_id=department_id,
            replied_at__isnull=True,
            cancelled_at__isnull=True,
        )
        return _soonest_first(open_.filter(Exists(pending)))
    if name == "all":
        return qs.order_by("-id")
    raise ValueError(name)


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
            where=["to_tsvector('simple', tickets_ticket.search_text) @@ to_tsquery('simple', %s)"],
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
    return (
        tickets_visible_to(user)
        .filter(
            severity__in=["major", "emergency"],
            manager_acknowledged_at__isnull=True,
            closed_at__isnull=True,
        )
        .order_by("-id")
    )


def overdue_now(user):
    return tickets_visible_to(user).filter(closed_at__isnull=True, next_due__lt=timezone.now())
