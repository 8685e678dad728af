"""Reads of the call log, scoped to what the user may see.

A staff member sees the calls they took or made, and (desk, management and supervision posts)
the calls of the communities they look after. A call nobody could place in a community (an
unknown caller) is seen by the person who took it and by company-wide posts.
"""

import datetime as dt

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, has_post, is_staff_member
from wuyedesk.accounts.choices import Post
from wuyedesk.telephony.models import Call, Integration

# Posts that see their communities' calls, not only their own.
CALL_VIEW_POSTS = (
    Post.SPECIALIST,
    Post.ASSISTANT,
    Post.MANAGER,
    Post.SUPERVISOR,
    Post.EXECUTIVE,
    Post.ADMIN,
)
# How long an unclosed screen pop stays on a person's pages.
POP_HOURS = 12


def calls_visible_to(user):
    if not is_staff_member(user):
        return Call.objects.none()
    if not has_post(user, *CALL_VIEW_POSTS):
        return Call.objects.filter(staff=user)
    ids = community_ids(user)
    if ids is None:
        return Call.objects.all()
    return Call.objects.filter(Q(staff=user) | Q(community__in=ids))


def call_get_for_user(user, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    return get_object_or_404(
        calls_visible_to(user).select_related(
            "staff__staff", "resident", "ticket", "community", "created_by"
        ),
        pk=pk,
    )


def filter_calls(queryset, params):
    """The call list's filters: direction, purpose, outcome, mine, date range."""
    applied = {}
    for name in ("direction", "purpose", "outcome"):
        value = params.get(name) or ""
        field = Call._meta.get_field(name)
        if value and value in dict(field.choices):
            queryset = queryset.filter(**{name: value})
            applied[name] = value
    if params.get("mine") == "1":
        applied["mine"] = "1"
    for name, lookup in (("since", "started_at__date__gte"), ("until", "started_at__date__lte")):
        try:
            day = dt.date.fromisoformat(params.get(name) or "")
        except ValueError:  # empty or not a date: no filter
            continue
        queryset = queryset.filter(**{lookup: day})
        applied[name] = day.isoformat()
    return queryset, applied


def pop_state(user):
    """(pk, ended) of the call that pops on `user`'s pages, or None: one indexed query."""
    row = (
        Call.objects.filter(
            staff=user,
            pop_open=True,
            started_at__gte=timezone.now() - dt.timedelta(hours=POP_HOURS),
        )
        .order_by("-id")
        .values_list("pk", "ended_at")
        .first()
    )
    if row is None:
        return None
    return row[0], row[1] is not None


def integrations():
    return Integration.objects.select_related("created_by__staff")
