from django.db.models import Exists, OuterRef, Prefetch, Q

from wuyedesk.accounts.access import community_ids, has_post, is_staff_member
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import ApiToken, Staff, StaffPost, User


def staff_visible_to(user):
    """Colleagues who share a community with the user (everyone, for company-wide posts)."""
    qs = Staff.objects.select_related("user", "department").prefetch_related(
        Prefetch("posts", queryset=StaffPost.objects.order_by("post")), "communities"
    )
    if not is_staff_member(user):
        return qs.none()
    ids = community_ids(user)
    if ids is None:
        return qs
    shares = Staff.communities.through.objects.filter(staff_id=OuterRef("pk"), community_id__in=ids)
    return qs.filter(Exists(shares) | Q(user=user))


def active_staff(user):
    """The colleagues the user may see who are not archived."""
    return staff_visible_to(user).filter(archived_at__isnull=True)


def extension_taken(extension: str, *, staff_pk=None) -> bool:
    """Does another active colleague have this extension? A screen pop must reach one
    person (a database constraint holds it too, accounts.Staff)."""
    if not extension:
        return False
    others = Staff.objects.filter(extension=extension, archived_at__isnull=True)
    return others.exclude(pk=staff_pk).exists() if staff_pk else others.exists()


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


def staff_two_factor(user, *, q: str = ""):
    """Active staff with whether each has a confirmed authenticator (`enrolled`), for the
    administrator; nobody else sees anyone."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    qs = (
        Staff.objects.filter(archived_at__isnull=True)
        .select_related("user")
        .prefetch_related(Prefetch("posts", queryset=StaffPost.objects.order_by("post")))
        .annotate(
            enrolled=Exists(TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True))
        )
        .order_by("employee_no")
    )
    if not has_post(user, Post.ADMIN):
        return qs.none()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(user__username__icontains=q))
    return qs


def first_manager():
    """The active manager with a department and the lowest employee number: the one the
    demo's seeders act as (appraisal, rewards, recruitment). None when there is none."""
    return (
        User.objects.filter(
            staff__posts__post=Post.MANAGER,
            staff__archived_at__isnull=True,
            staff__department__isnull=False,
            is_active=True,
        )
        .select_related("staff")
        .order_by("staff__employee_no")
        .first()
    )
