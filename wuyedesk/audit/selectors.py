from django.db.models import Q

from wuyedesk.accounts.access import community_ids, has_post, require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditEntry


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
