"""Portal sign-up (#11 point 1): the code that proves a number, linking a proven number to
the resident on record, the assistants' queue and their decisions, the applicant's status."""

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from huey.contrib.djhuey import db_task

from wuyedesk.accounts.access import has_post, require_community
from wuyedesk.accounts.choices import UserKind
from wuyedesk.accounts.models import User
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.channels.models import Signup, SignupStatus
from wuyedesk.channels.selectors import SIGNUP_POSTS, SIGNUPS_VERSION
from wuyedesk.channels.services.common import (
    REASON_MAX,
    invalid,
    too_long,
)
from wuyedesk.core import versions
from wuyedesk.lib.privacy import normalize_phone, validate_mobile
from wuyedesk.notifications.residents import gateway_send_now, resident_notify, webhook_enabled
from wuyedesk.notifications.services import notify
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Occupancy, Resident

log = logging.getLogger(__name__)


# Knowing a resident's number and room must not be enough to become them (#11 point 1). With
# an SMS gateway every sign-up first proves its number with a one-time code; only then is it
# linked to the resident on record for that number and room. Without a gateway every sign-up
# waits for an assistant. Until the number is proven every answer is the same, whether or not
# the number is on record or already has an account, and whoever holds that number on record
# is told of the attempt.

VERIFY, PENDING, LINKED, HAS_ACCOUNT = "verify", "pending", "linked", "has_account"


@dataclass
class SignupResult:
    """What a sign-up step came to. `status`: VERIFY (a code was sent: `token` goes back to the
    applicant's client, who alone holds it), PENDING (an assistant decides), LINKED (`user` is
    the new account) or HAS_ACCOUNT (the proven number already has an account)."""

    status: str
    signup: Signup
    user: User | None = None
    token: str = ""


def _current_match(phone: str, room):
    """The resident living in `room` now whose number is `phone`, if exactly one."""
    rows = list(
        Resident.objects.filter(
            phone=phone,
            archived_at__isnull=True,
            occupancies__room=room,
            occupancies__move_out__isnull=True,
        ).distinct()[:2]
    )
    return rows[0] if len(rows) == 1 else None


def _check_signup(*, phone: str, name: str, email: str, password: str) -> str:
    """Validate what was typed. Nothing here depends on who is on record (no "exists")."""
    phone = normalize_phone(phone)
    try:
        validate_mobile(phone)
    except ValidationError as error:
        raise invalid("mobile", error.messages[0], "invalid_mobile") from None
    if not (name or "").strip():
        raise invalid("name", _("请填写姓名。"), "required")
    too_long("name", name, 50)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise invalid("email", _("请输入有效的邮箱地址。"), "invalid_email") from None
    try:
        validate_password(password)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from None
    return phone


def _make_account(*, resident, password_hash: str, email: str = "") -> User:
    user = User(
        username=f"resident-{resident.pk}",
        kind=UserKind.RESIDENT,
        resident=resident,
        email=email or resident.email,
        password=password_hash,
    )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise invalid("resident", _("该住户已有账号。"), "exists") from None
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_digest(signup: Signup, code: str) -> str:
    """Keyed with SECRET_KEY: a copy of the database alone does not give the code away (a
    plain hash of six digits would be undone by trying all of them)."""
    return salted_hmac(
        "wuyedesk.signup-code", f"{signup.token_hash}:{code}", algorithm="sha256"
    ).hexdigest()


def code_minutes() -> int:
    return settings.SIGNUP_CODE_TTL_MINUTES


def _send_code(signup: Signup) -> None:
    """A fresh code for `signup` (the one before stops working), sent after the commit. The
    code itself lives only in this closure and the gateway's message."""
    digits = settings.SIGNUP_CODE_DIGITS
    code = f"{secrets.randbelow(10**digits):0{digits}d}"
    signup.code_hash = _code_digest(signup, code)
    signup.code_expires_at = timezone.now() + dt.timedelta(minutes=code_minutes())
    signup.code_tries = 0
    signup.code_sends += 1
    signup.save(update_fields=["code_hash", "code_expires_at", "code_tries", "code_sends"])
    key = f"signup-code:{signup.pk}:{signup.code_sends}"
    language = translation.get_language() or settings.LANGUAGE_CODE
    title = _("业主服务注册验证码")
    text = _(
        "您的业主服务注册验证码是 %(code)s,%(minutes)s 分钟内有效。如非本人操作,说明有人在用"
        "您的手机号注册,请勿把验证码告诉任何人。"
    ) % {"code": code, "minutes": code_minutes()}
    phone = signup.phone
    transaction.on_commit(
        lambda: gateway_send_now(
            key=key,
            event="signup_code",
            phone=phone,
            language=language,
            title=str(title),
            text=text,
            extra={"code": code},
        )
    )


def _queue_for_assistants(signup: Signup) -> None:
    assistants = User.objects.filter(
        is_active=True,
        staff__archived_at__isnull=True,
        staff__posts__post__in=SIGNUP_POSTS,
        staff__communities__id=signup.community_id,
    ).distinct()
    people = list(assistants)
    text = _("新的业主注册申请待审核:%(name)s") % {"name": signup.name}
    transaction.on_commit(
        lambda: notify(
            users=people,
            kind="signup",
            text=text,
            link=reverse("portal:signup_queue"),
            key=f"signup:{signup.pk}",
        )
    )


def _tell_owner_after_commit(signup: Signup) -> None:
    """Whoever holds this number on record hears of the attempt, through the worker, so that
    the answer takes as long whether or not the number is on record."""
    pk = signup.pk
    transaction.on_commit(lambda: signup_attempt_notice_task(pk), robust=True)


def signup_attempt_notice(signup_id: int) -> int:
    """Tell each resident on record with the sign-up's number that it was used to sign up: in
    their portal notices and by e-mail, as they chose. The SMS is the code message itself
    (it goes to this very number and says what to do when it was not them). Returns how many
    residents were told."""
    signup = Signup.objects.filter(pk=signup_id).first()
    if signup is None:
        return 0
    when = timezone.localtime(signup.created_at).strftime("%Y-%m-%d %H:%M")
    told = 0
    for resident in Resident.objects.filter(phone=signup.phone, archived_at__isnull=True):

        def message():
            return (
                _("您的手机号刚刚被用于申请业主服务账号。"),
                _(
                    "时间:%(time)s(北京时间)。如果是您本人,无需处理;如果不是,请勿向任何人"
                    "提供短信验证码,并联系客服中心。未经短信验证或客服核实,他人无法关联您的"
                    "住户资料。"
                )
                % {"time": when},
            )

        if resident_notify(
            resident=resident,
            kind="signup_attempt",
            key=f"signup-attempt:{signup.pk}",
            message=message,
            skip={"webhook"},
        ):
            told += 1
    return told


# Queued after the commit of every sign-up; defined beside its service so that the services
# never import tasks.py (which imports them).
@db_task()
def signup_attempt_notice_task(signup_id: int) -> int:
    """Tell the holder of a number on record that it was used to sign up (#11 point 1)."""
    return signup_attempt_notice(signup_id)


@transaction.atomic
def signup_submit(
    *, phone: str, name: str, room, password: str, email: str = "", before_code=None
) -> SignupResult:
    """A resident signs up. With a gateway, a code goes to the number (VERIFY); without one
    the sign-up waits for an assistant (PENDING). Never linked here. `before_code(phone)` is
    called, once the input is valid and before anything is written, to count the code (or,
    without a gateway, the sign-up) against the rate limits per number and per address (it
    raises `Throttled`)."""
    phone = _check_signup(phone=phone, name=name, email=email, password=password)
    if room is None or room.archived_at is not None:
        raise invalid("room", _("请选择房屋。"), "required")
    verifying = webhook_enabled()
    signup = Signup(
        phone=phone,
        name=name.strip(),
        email=email,
        room=room,
        community_id=room.community_id,
        password=make_password(password),
        status=SignupStatus.VERIFYING if verifying else SignupStatus.PENDING,
    )
    signup.full_clean(exclude=["password", "community"])
    # Counted with or without a gateway: each sign-up also tells the holder of the number and
    # the assistants, which the limits per number and per address keep from being flooded.
    if before_code is not None:
        before_code(phone)
    if not verifying:
        signup.save()
        _queue_for_assistants(signup)
        _tell_owner_after_commit(signup)
        return SignupResult(PENDING, signup)
    token = secrets.token_urlsafe(32)
    signup.token_hash = _token_digest(token)
    signup.save()
    _send_code(signup)
    _tell_owner_after_commit(signup)
    return SignupResult(VERIFY, signup, token=token)


def _awaiting_code(token: str) -> Signup:
    signup = None
    if token:
        signup = Signup.objects.filter(token_hash=_token_digest(token)).first()
    if signup is None:
        raise invalid("verification", _("注册信息已失效,请重新注册。"), "not_found")
    if signup.status != SignupStatus.VERIFYING:
        raise invalid("verification", _("该注册已完成验证,无需再输入验证码。"), "invalid_state")
    return signup


def signup_pending_code(token: str) -> Signup | None:
    """The sign-up waiting for the code of this verification token, if any (for the page)."""
    try:
        return _awaiting_code(token)
    except ValidationError:
        return None


@transaction.atomic
def signup_resend(*, token: str, before_code=None) -> SignupResult:
    """A new code for a sign-up waiting for one; the previous code stops working. Limited by
    the rate limits that `before_code(phone)` counts."""
    signup = _awaiting_code(token)
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    if before_code is not None:
        before_code(signup.phone)
    _send_code(signup)
    return SignupResult(VERIFY, signup, token=token)


def signup_verify(*, token: str, code: str) -> SignupResult:
    """The applicant enters the code. Each try counts (at most SIGNUP_CODE_MAX_TRIES per code,
    the right one included) and is kept even when the answer is an error, so this is not one
    transaction: call it outside any. A proven number on record for someone living in the room,
    with no account yet, is linked to them (LINKED); a proven number that already has an
    account is told so (HAS_ACCOUNT); any other waits for an assistant (PENDING)."""
    signup = _awaiting_code(token)
    code = (code or "").strip()
    digits = settings.SIGNUP_CODE_DIGITS
    if len(code) != digits or not code.isascii() or not code.isdigit():
        raise invalid("code", _("请输入短信中的 %(n)s 位数字验证码。") % {"n": digits}, "invalid")
    if not signup.code_hash or signup.code_expires_at <= timezone.now():
        raise invalid("code", _("验证码已失效,请重新发送。"), "expired")
    limit = settings.SIGNUP_CODE_MAX_TRIES
    counted = Signup.objects.filter(
        pk=signup.pk,
        status=SignupStatus.VERIFYING,
        code_hash=signup.code_hash,
        code_tries__lt=limit,
    ).update(code_tries=F("code_tries") + 1)
    if not counted:
        raise invalid("code", _("验证码已失效,请重新发送。"), "expired")
    digest = _code_digest(signup, code)
    if not constant_time_compare(digest, signup.code_hash):
        left = limit - signup.code_tries - 1
        if left <= 0:
            Signup.objects.filter(pk=signup.pk, code_hash=signup.code_hash).update(code_hash="")
            raise invalid("code", _("验证码错误次数过多,已失效,请重新发送。"), "too_many_tries")
        raise invalid(
            "code",
            ngettext(
                "验证码不正确,还可以再试 %(n)s 次。", "验证码不正确,还可以再试 %(n)s 次。", left
            )
            % {"n": left},
            "wrong_code",
        )
    return _signup_proven(signup, digest)


@transaction.atomic
def _signup_proven(signup: Signup, digest: str) -> SignupResult:
    now = timezone.now()
    claimed = Signup.objects.filter(
        pk=signup.pk, status=SignupStatus.VERIFYING, code_hash=digest
    ).update(status=SignupStatus.PENDING, code_hash="", code_expires_at=None, phone_verified_at=now)
    if not claimed:  # the same code entered twice at once: the first one counts
        raise invalid("verification", _("该注册已完成验证,无需再输入验证码。"), "invalid_state")
    versions.bump(SIGNUPS_VERSION)  # an update sends no signal
    signup.refresh_from_db()
    phone = signup.phone
    if User.objects.filter(kind=UserKind.RESIDENT, resident__phone=phone).exists():
        signup.status, signup.decided_at = SignupStatus.REFUSED, now
        signup.reason = _("该手机号已有账号,请直接登录。")
        signup.save(update_fields=["status", "decided_at", "reason"])
        return SignupResult(HAS_ACCOUNT, signup)
    resident = _current_match(phone, signup.room)
    if resident is None:
        _queue_for_assistants(signup)
        return SignupResult(PENDING, signup)
    if signup.email and not resident.email:
        resident.email = signup.email
        resident.save(update_fields=["email", "updated_at"])
    user = _make_account(resident=resident, password_hash=signup.password, email=signup.email)
    signup.status, signup.decided_at, signup.user = SignupStatus.APPROVED, now, user
    signup.save(update_fields=["status", "decided_at", "user"])
    audit_record(actor=user, action=AuditAction.CREATE, obj=user, label=_("业主自助注册(短信验证)"))
    return SignupResult(LINKED, signup, user=user)


def _require_signup_staff(by, signup):
    if not has_post(by, *SIGNUP_POSTS):
        raise PermissionDenied
    require_community(by, signup.community_id)
    if signup.status != SignupStatus.PENDING:
        raise ValidationError(_("该申请已处理。"), code="invalid_state")


@transaction.atomic
def signup_approve(*, by, signup: Signup, resident=None, role: str = OccupancyRole.OWNER) -> User:
    """Link the applicant to an existing resident of that room's community (their number is
    recorded on it), or create the resident and their occupancy of the room."""
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    _require_signup_staff(by, signup)
    room = signup.room
    if resident is not None:
        if resident.archived_at is not None:
            raise invalid("resident", _("该住户已归档。"))
        lives_here = Occupancy.objects.filter(
            resident=resident, room=room, move_out__isnull=True
        ).exists()
        if resident.community_id != signup.community_id and not lives_here:
            raise invalid("resident", _("只能关联本小区的住户。"))
        if User.objects.filter(resident=resident).exists():
            raise invalid("resident", _("该住户已有账号。"), "exists")
        if resident.phone != signup.phone:
            resident.phone = signup.phone
        if signup.email and not resident.email:
            resident.email = signup.email
        resident.save(update_fields=["phone", "email", "updated_at"])
        if not lives_here:
            Occupancy.objects.create(resident=resident, room=room, role=role, move_in=None)
    else:
        if role not in OccupancyRole.values:
            raise invalid("role", _("请选择身份。"))
        resident = Resident.objects.create(
            name=signup.name, phone=signup.phone, email=signup.email, community=room.community
        )
        Occupancy.objects.create(resident=resident, room=room, role=role)
    if User.objects.filter(kind=UserKind.RESIDENT, resident__phone=signup.phone).exists():
        raise invalid("resident", _("该手机号已有账号。"), "exists")
    user = _make_account(resident=resident, password_hash=signup.password, email=signup.email)
    signup.status, signup.decided_at, signup.decided_by = (
        SignupStatus.APPROVED,
        timezone.now(),
        by,
    )
    signup.user = user
    signup.save(update_fields=["status", "decided_at", "decided_by", "user"])
    audit_record(actor=by, action=AuditAction.CREATE, obj=user, label=_("审核通过业主注册"))
    if signup.email:
        _mail_after_commit(
            signup.email,
            _("您的业主服务账号已开通"),
            _("您好,%(name)s:您的注册申请已通过,现在可以用手机号和密码登录:%(url)s")
            % {"name": signup.name, "url": settings.SITE_URL.rstrip("/") + reverse("portal:login")},
        )
    return user


@transaction.atomic
def signup_refuse(*, by, signup: Signup, reason: str) -> Signup:
    signup = Signup.objects.select_for_update().get(pk=signup.pk)
    _require_signup_staff(by, signup)
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写拒绝原因。"), "required")
    too_long("reason", reason, REASON_MAX)
    signup.status, signup.reason = SignupStatus.REFUSED, reason
    signup.decided_at, signup.decided_by = timezone.now(), by
    signup.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    if signup.email:
        _mail_after_commit(
            signup.email,
            _("您的业主服务注册申请未通过"),
            _("您好,%(name)s:您的注册申请未通过,原因:%(reason)s。如有疑问请联系客服中心。")
            % {"name": signup.name, "reason": reason},
        )
    return signup


def signup_purge_unverified(*, now: dt.datetime | None = None) -> int:
    """Delete the sign-ups whose number was never proven (VERIFYING) and that nobody has
    touched — created and last sent a code — for SIGNUP_UNVERIFIED_KEEP_HOURS: their number,
    name and password hash go with them. Idempotent; returns how many were deleted. Every
    later step of a sign-up is a conditional update on VERIFYING, so a code entered as its
    sign-up is deleted finds nothing ("sign up again") and links nobody."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.SIGNUP_UNVERIFIED_KEEP_HOURS)
    # The last code was sent SIGNUP_CODE_TTL_MINUTES before it expires.
    last_code_before = cutoff + dt.timedelta(minutes=code_minutes())
    deleted, _rows = (
        Signup.objects.filter(status=SignupStatus.VERIFYING, created_at__lt=cutoff)
        .filter(Q(code_expires_at__isnull=True) | Q(code_expires_at__lt=last_code_before))
        .delete()
    )
    if deleted:
        log.info("deleted %d portal sign-ups whose number was never proven", deleted)
    return deleted


# A password check costs a hash each: the lookup tries the latest few sign-ups of a number only.
STATUS_LOOKUP_ROWS = 5


def signup_status(*, phone: str, password: str):
    """The applicant's own latest sign-up: of that number and made with that password (so a
    stranger's later sign-up with the same number hides nothing from them)."""
    rows = Signup.objects.filter(phone=normalize_phone(phone)).order_by("-id")[:STATUS_LOOKUP_ROWS]
    return next((s for s in rows if check_password(password, s.password)), None)


def _mail_after_commit(address: str, subject: str, body: str) -> None:
    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except OSError:
            log.warning("portal mail not sent", exc_info=True)

    transaction.on_commit(send)
