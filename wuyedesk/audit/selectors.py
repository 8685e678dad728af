import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, has_post, require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.audit.models import ACCESS_ACTIONS, AuditEntry

RESIDENT_TYPE = "properties.resident"


def audit_entries_visible_to(user):
    """The manager sees their communities' entries and their own; the administrator sees all."""
    require_post(user, Post.MANAGER, Post.ADMIN)
    qs = AuditEntry.objects.select_related("actor", "actor__staff", "community")
    ids = community_ids(user)
    if ids is None or has_post(user, Post.ADMIN):
        return qs
    return qs.filter(Q(community_id__in=ids) | Q(actor=user))


def audit_search(user, *, q: str = "", action: str = "", object_type: str = "", actor: str = ""):
    qs = audit_entries_visible_to(user)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if actor:
        qs = qs.filter(Q(actor__username=actor) | Q(actor__staff__name=actor))
    if q:
        qs = qs.filter(object_label__icontains=q)
    return qs


def access_log_visible_to(user):
    """The access log (PIPL): who opened, revealed or exported residents' data.

    The manager and the administrator only. The administrator sees every row; a manager sees
    the rows about their communities and every access by the staff of their communities
    (an export of a whole list belongs to no one community).
    """
    require_post(user, Post.MANAGER, Post.ADMIN)
    qs = AuditEntry.objects.filter(action__in=ACCESS_ACTIONS).select_related(
        "actor", "actor__staff", "community"
    )
    ids = community_ids(user)
    if ids is None or has_post(user, Post.ADMIN):
        return qs
    colleague = Staff.communities.through.objects.filter(
        staff__user_id=OuterRef("actor_id"), community_id__in=ids
    )
    return qs.filter(Q(community_id__in=ids) | Q(actor=user) | Exists(colleague))


def access_log_search(
    user,
    *,
    actor: int | None = None,
    person: str = "",
    resident: int | None = None,
    resident_name: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    """The access log filtered by person (user id, or username / name), by resident (id, or
    name), by kind of access and by day (company time zone, both ends included)."""
    qs = access_log_visible_to(user)
    if actor is not None:
        qs = qs.filter(actor_id=actor)
    if person:
        qs = qs.filter(Q(actor__username=person) | Q(actor__staff__name=person))
    if resident is not None:
        qs = qs.filter(object_type=RESIDENT_TYPE, object_id=resident)
    if resident_name:
        qs = qs.filter(object_type=RESIDENT_TYPE, object_label=resident_name)
    if action:
        qs = qs.filter(action=action)
    if since is not None:
        qs = qs.filter(at__gte=_start_of(since))
    if until is not None:
        qs = qs.filter(at__lt=_start_of(until + dt.timedelta(days=1)))
    return qs.order_by("-id")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
