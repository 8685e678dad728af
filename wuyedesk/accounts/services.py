from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts import twofactor
from wuyedesk.accounts.access import forget_cached_access, require_post
from wuyedesk.accounts.choices import HIRING_POSTS, Post, UserKind
from wuyedesk.accounts.models import ApiToken, Staff, StaffPost, User, hash_token
from wuyedesk.accounts.selectors import extension_taken
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.statements import Statement

SYSTEM_USERNAME = "wuyedesk-system"


def system_user() -> User:
    """The actor of what the software does by itself (a ticket from an inbound mail): a staff
    account with no post and no usable password, so it can never log in or hold a token."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"kind": UserKind.STAFF, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def staff_save(*, by, form) -> Staff:
    """Create or update a staff member with their login and posts (called by record_save)."""
    require_post(by, Post.ADMIN)
    return _staff_write(form)


def staff_hire(*, by, form) -> Staff:
    """Create the staff record and login of a new hire (recruitment, MGR-2): the same write as
    the administrator's `staff_save`, with the initial password the form carries, for a new
    record only, by a manager, into the posts a manager hires for (`HIRING_POSTS`). The form
    is a validated `StaffForm` bound with the manager as its user, so its department and
    communities are the manager's to give. The caller writes the audit row."""
    require_post(by, Post.MANAGER)
    if form.instance.pk is not None:
        raise PermissionDenied
    if not set(form.cleaned_data["posts"]) <= {p.value for p in HIRING_POSTS}:
        raise PermissionDenied
    return _staff_write(form)


def _staff_write(form) -> Staff:
    staff = form.instance
    data = form.cleaned_data
    if extension_taken(data.get("extension") or "", staff_pk=staff.pk):
        form.add_error("extension", _("该分机号已有其他员工使用。"))
        raise FormInvalid(form)
    with transaction.atomic():
        if staff.pk is None:
            user = User(username=data["username"], kind=UserKind.STAFF)
        else:
            user = staff.user
        user.email = data.get("email") or ""
        if data.get("password"):
            user.set_password(data["password"])
        user.save()
        staff.user = user
        staff = form.save()
        wanted = set(data["posts"])
        staff.posts.exclude(post__in=wanted).delete()
        have = set(staff.posts.values_list("post", flat=True))
        StaffPost.objects.bulk_create(
            [StaffPost(staff=staff, post=post) for post in sorted(wanted - have)]
        )
        forget_cached_access(user)
    return staff


def user_set_language(*, user, language: str) -> None:
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_change_password(*, request, form) -> None:
    form.save()
    update_session_auth_hash(request, form.user)


def token_create(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token; the raw value is returned once and never stored."""
    if not user.is_authenticated:
        raise PermissionDenied
    # Who must use two-factor login gets a token only from a verified session, or with a
    # code in the API request (twofactor.token_check): the password alone is not enough.
    if twofactor.pending(user):
        raise PermissionDenied
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:9], digest=hash_token(raw))
    return token, raw


def token_revoke(*, user, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_sign_out_everywhere(*, user) -> int:
    """Revoke every live API token of `user` and end all their sessions (#11 point 7: an
    archived staff member or resident keeps nothing that still opens a door). Called inside
    the archiving transaction; the sessions end once it commits. Returns the tokens revoked."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    user_id = str(user.pk)
    transaction.on_commit(lambda: _end_sessions(user_id))
    return revoked


def _end_sessions(user_id: str) -> None:
    # Sessions are not indexed by user: read the live ones (archiving is rare). Deleting
    # through the session engine clears the cached copy as well as the row.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == user_id:
            store(session_key=session.session_key).delete()


def staff_archived(*, by, instance: Staff) -> None:
    """The archive hook of the staff resource."""
    user_sign_out_everywhere(user=instance.user)


def _archived(user) -> bool:
    """An archived staff member, or the account of an archived resident: refused everywhere
    with any token they held (archiving also revokes them; this holds for tokens made
    before that was so, and for a record archived by other means)."""
    if user.resident_id is not None:  # a resident's account has no staff record to read
        return user.resident.archived_at is not None
    staff = getattr(user, "staff", None)
    return staff is not None and staff.archived_at is not None


# A live token with its person: on every API request (lib/statements.py). Aliases: t1 the
# user, t2 their staff record, t3 their resident record.
LIVE_TOKEN = Statement(
    ApiToken,
    "user__staff",
    "user__resident",
    where='t0."digest" = %s AND t0."revoked_at" IS NULL AND t1."is_active" = %s',
)


def token_authenticate(raw: str):
    """The user of a live token, or None. Touches last_used_at at most once a minute.

    Every API request reads its token here: `select_related` by the ORM took 0.6 ms CPU,
    most of it compiling the query, this statement about 0.15 ms (issue #13,
    lib/statements.py). Nothing is cached in between: a revoked token or an archived person
    is refused on the next request."""
    if not raw or not raw.startswith("wd_"):
        return None
    token = LIVE_TOKEN.first([hash_token(raw), True])
    if token is None or _archived(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
