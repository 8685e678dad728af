"""Who may do what: posts and community scope, checked in services and selectors."""

from django.core.exceptions import PermissionDenied

from wuyedesk.accounts.choices import COMPANY_WIDE_POSTS, Post
from wuyedesk.core import reference

_POSTS_ATTR = "_wuyedesk_posts"
_COMMUNITIES_ATTR = "_wuyedesk_community_ids"
_UNSET = object()


def staff_of(user):
    """The active Staff row of a user, or None (residents, anonymous, archived staff)."""
    if not getattr(user, "is_authenticated", False) or user.is_resident:
        return None
    staff = getattr(user, "staff", None)
    if staff is None or staff.archived_at is not None:
        return None
    return staff


def posts_of(user) -> frozenset[str]:
    cached = getattr(user, _POSTS_ATTR, None)
    if cached is not None:
        return cached
    staff = staff_of(user)
    posts = _scope_of(staff)[0] if staff else frozenset()
    if staff is None and getattr(user, "is_superuser", False) and not user.is_resident:
        posts = frozenset({Post.ADMIN.value})
    if getattr(user, "is_authenticated", False):
        setattr(user, _POSTS_ATTR, posts)
    return posts


def _scope_of(staff) -> tuple[frozenset[str], frozenset[int] | None]:
    """(posts, community ids or None for every community) of a staff member.

    Every request needs them; each process keeps them until the reference data changes
    (core/reference.py: any change of posts, scopes or communities), instead of costing
    three queries a request.
    """

    def build():
        community = staff.communities.model  # properties' Community, without importing it
        posts = frozenset(staff.posts.values_list("post", flat=True))
        ids = frozenset(staff.communities.values_list("id", flat=True))
        if ids and len(ids) == community.objects.count():
            # Assigned every community there is: the same as no filter, and a filter of
            # hundreds of ids costs every list of the company-wide manager (bench/README.md).
            ids = None
        return posts, ids

    return reference.memo(("scope", staff.pk), build)


def has_post(user, *posts: str) -> bool:
    return bool(posts_of(user) & {str(p) for p in posts})


def require_post(user, *posts: str) -> None:
    if not has_post(user, *posts):
        raise PermissionDenied


def is_staff_member(user) -> bool:
    return bool(posts_of(user))


def sees_all_communities(user) -> bool:
    return bool(posts_of(user) & COMPANY_WIDE_POSTS)


def community_ids(user) -> frozenset[int] | None:
    """The communities a staff user may see; None means all of them."""
    if sees_all_communities(user):
        return None
    cached = getattr(user, _COMMUNITIES_ATTR, _UNSET)
    if cached is not _UNSET:
        return cached
    staff = staff_of(user)
    ids = _scope_of(staff)[1] if staff else frozenset()
    setattr(user, _COMMUNITIES_ATTR, ids)
    return ids


def scope_key(user) -> str:
    """Who `user` is to what is kept for them (counts, a search, a home's figures): the
    person, their posts, the communities they see ("all": the whole company) and their
    department. Kept under a key holding this, a value is read again when any of them
    changes."""
    ids = community_ids(user)
    staff = staff_of(user)
    return ":".join(
        (
            str(user.pk),
            ",".join(sorted(posts_of(user))),
            "all" if ids is None else ",".join(map(str, sorted(ids))),
            str(staff.department_id or "") if staff else "",
        )
    )


def scope_to_communities(queryset, user, field: str = "community"):
    """Filter a queryset to the user's communities: the one place scoping is written."""
    if not is_staff_member(user):
        return queryset.none()
    ids = community_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def in_scope(user, community_id: int) -> bool:
    """May this staff user see the community `community_id`?"""
    if not is_staff_member(user):
        return False
    ids = community_ids(user)
    return ids is None or community_id in ids


def require_community(user, community_id: int) -> None:
    if not in_scope(user, community_id):
        raise PermissionDenied


def forget_cached_access(user) -> None:
    for attr in (_POSTS_ATTR, _COMMUNITIES_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)
