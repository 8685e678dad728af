"""The resident's side of the service desk (INQ-1, CMP-1, SPE-2, SUP-2): sign-up, submission
with photos, replies, confirmation, rating; and the staff's side of the portal: approving
sign-ups and writing announcements. Ticket changes go through tickets.services."""

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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wuyedesk.accounts.access import has_post, require_community
from wuyedesk.accounts.choices import UserKind
from wuyedesk.accounts.models import User
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.channels.models import Announcement, Rating, Signup, SignupStatus
from wuyedesk.channels.selectors import ANNOUNCE_POSTS, SIGNUP_POSTS, has_answer
from wuyedesk.lib.privacy import normalize_phone, validate_mobile
from wuyedesk.notifications.residents import gateway_send_now, resident_notify, webhook_enabled
from wuyedesk.notifications.services import notify
from wuyedesk.policies.services import policy
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Occupancy, Resident
from wuyedesk.tickets import services as ticket_services
from wuyedesk.tickets.attachments import attachment_add, sniff
from wuyedesk.tickets.choices import Channel, EventKind, Kind

log = logging.getLogger(__name__)

MAX_PHOTOS = 9
TITLE_MAX = 120
TEXT_MAX = 2000
COMMENT_MAX = 500
REASON_MAX = 200


def _invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _too_long(field: str, value: str, limit: int) -> None:
    if len(value or "") > limit:
        raise _invalid(field, _("内容太长:最多 %(n)s 个字。") % {"n": limit}, "max_length")


def _require_resident(by) -> None:
    if not getattr(by, "is_resident", False) or by.resident_id is None:
        raise PermissionDenied


# ---------------------------------------------------------------- sign-up
#
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
        raise _invalid("mobile", error.messages[0], "invalid_mobile") from None
    if not (name or "").strip():
        raise _invalid("name", _("请填写姓名。"), "required")
    _too_long("name", name, 50)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _invalid("email", _("请输入有效的邮箱地址。"), "invalid_email") from None
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
        raise _invalid("resident", _("该住户已有账号。"), "exists") from None
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
    from wuyedesk.channels.tasks import signup_attempt_notice_task

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
        raise _invalid("room", _("请选择房屋。"), "required")
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
        raise _invalid("verification", _("注册信息已失效,请重新注册。"), "not_found")
    if signup.status != SignupStatus.VERIFYING:
        raise _invalid("verification", _("该注册已完成验证,无需再输入验证码。"), "invalid_state")
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
        raise _invalid("code", _("请输入短信中的 %(n)s 位数字验证码。") % {"n": digits}, "invalid")
    if not signup.code_hash or signup.code_expires_at <= timezone.now():
        raise _invalid("code", _("验证码已失效,请重新发送。"), "expired")
    limit = settings.SIGNUP_CODE_MAX_TRIES
    counted = Signup.objects.filter(
        pk=signup.pk,
        status=SignupStatus.VERIFYING,
        code_hash=signup.code_hash,
        code_tries__lt=limit,
    ).update(code_tries=F("code_tries") + 1)
    if not counted:
        raise _invalid("code", _("验证码已失效,请重新发送。"), "expired")
    digest = _code_digest(signup, code)
    if not constant_time_compare(digest, signup.code_hash):
        left = limit - signup.code_tries - 1
        if left <= 0:
            Signup.objects.filter(pk=signup.pk, code_hash=signup.code_hash).update(code_hash="")
            raise _invalid("code", _("验证码错误次数过多,已失效,请重新发送。"), "too_many_tries")
        raise _invalid(
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
        raise _invalid("verification", _("该注册已完成验证,无需再输入验证码。"), "invalid_state")
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
            raise _invalid("resident", _("该住户已归档。"))
        lives_here = Occupancy.objects.filter(
            resident=resident, room=room, move_out__isnull=True
        ).exists()
        if resident.community_id != signup.community_id and not lives_here:
            raise _invalid("resident", _("只能关联本小区的住户。"))
        if User.objects.filter(resident=resident).exists():
            raise _invalid("resident", _("该住户已有账号。"), "exists")
        if resident.phone != signup.phone:
            resident.phone = signup.phone
        if signup.email and not resident.email:
            resident.email = signup.email
        resident.save(update_fields=["phone", "email", "updated_at"])
        if not lives_here:
            Occupancy.objects.create(resident=resident, room=room, role=role, move_in=None)
    else:
        if role not in OccupancyRole.values:
            raise _invalid("role", _("请选择身份。"))
        resident = Resident.objects.create(
            name=signup.name, phone=signup.phone, email=signup.email, community=room.community
        )
        Occupancy.objects.create(resident=resident, room=room, role=role)
    if User.objects.filter(kind=UserKind.RESIDENT, resident__phone=signup.phone).exists():
        raise _invalid("resident", _("该手机号已有账号。"), "exists")
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
        raise _invalid("reason", _("请填写拒绝原因。"), "required")
    _too_long("reason", reason, REASON_MAX)
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


# ---------------------------------------------------------------- tickets


def _place(by, room_id, building_id, homes):
    """The room or public-area building a resident named, among their current homes."""
    rooms = {o.room.pk: o.room for o in homes}
    buildings = {o.room.unit.building_id: o.room.unit.building for o in homes}
    if room_id:
        if room_id not in rooms:
            raise _invalid("room", _("只能为自己居住的房屋提交。"), "not_your_room")
        return rooms[room_id], None
    if building_id:
        if building_id not in buildings:
            raise _invalid("room", _("只能为自己所住楼栋的公共区域提交。"), "not_your_room")
        return None, buildings[building_id]
    raise _invalid("room", _("请选择房屋或公共区域。"), "required")


def _require_image(upload, field: str) -> None:
    """Photos only (the ticket page also takes PDFs): decided by the first bytes."""
    upload.seek(0)
    detected = sniff(upload.read(16))
    upload.seek(0)
    if detected is None or not detected[1].startswith("image/"):
        raise _invalid(
            field,
            _("%(name)s:不是图片。只能上传 JPG、PNG、WebP 或 GIF 照片。") % {"name": upload.name},
            "refused_type",
        )


def portal_submit(
    *,
    by,
    kind: str,
    category,
    title: str,
    description: str,
    room=None,
    building=None,
    photos=(),
    channel: str = Channel.PORTAL,
):
    """A resident's inquiry, complaint, repair request or suggestion with up to nine photos.
    Everything or nothing: a refused photo leaves no ticket behind."""
    _require_resident(by)
    if kind not in Kind.values:
        raise _invalid("kind", _("请选择类型。"), "invalid_choice")
    if category is None:
        raise _invalid("category", _("请选择分类。"), "required")
    title, description = (title or "").strip(), (description or "").strip()
    _too_long("title", title, TITLE_MAX)
    if not description:
        raise _invalid("description", _("请填写内容。"), "required")
    _too_long("description", description, TEXT_MAX)
    photos = [p for p in photos if p is not None]
    if len(photos) > MAX_PHOTOS:
        raise _invalid("photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}, "too_many")
    for photo in photos:
        _require_image(photo, "photos")
    stored = []
    try:
        with transaction.atomic():
            ticket = ticket_services.ticket_submit(
                by=by,
                kind=kind,
                category=category,
                title=title,
                description=description,
                room=room,
                building=building,
                channel=channel,
            )
            for photo in photos:
                try:
                    stored.append(attachment_add(by=by, ticket=ticket, upload=photo, public=True))
                except ValidationError as error:
                    messages = error.message_dict.get("file", error.messages)
                    code = error.error_dict["file"][0].code if hasattr(error, "error_dict") else ""
                    raise _invalid(
                        "photos", f"{photo.name}:{' '.join(messages)}", code or "invalid"
                    ) from None
    except Exception:
        for attachment in stored:  # the rows rolled back; their files must go too
            attachment.file.delete(save=False)
        raise
    return ticket


def portal_reply(*, by, ticket, text: str, photo=None, channel: str = Channel.PORTAL):
    """The customer's message on their ticket (reopens or is refused when it is closed)."""
    _require_resident(by)
    text = (text or "").strip()
    _too_long("text", text, TEXT_MAX)
    if photo is not None:
        _require_image(photo, "photo")
    with transaction.atomic():
        event = ticket_services.ticket_customer_reply(
            by=by, ticket=ticket, text=text, channel=channel
        )
        if photo is not None:
            try:
                attachment_add(by=by, ticket=ticket, upload=photo, public=True)
            except ValidationError as error:
                raise _invalid("photo", " ".join(error.messages), "invalid") from None
    return event


def closed_reply_refused() -> bool:
    """Whether a reply to a closed ticket is refused (the policy), rather than reopening it."""
    return policy().closed_reply != "reopen"


def may_confirm(ticket) -> bool:
    return has_answer(ticket) and not ticket.events.filter(kind=EventKind.CONFIRMED).exists()


@transaction.atomic
def portal_confirm(*, by, ticket, text: str = ""):
    """The customer accepts the result they were given."""
    _require_resident(by)
    _too_long("text", text or "", COMMENT_MAX)
    if not has_answer(ticket):
        raise ValidationError(_("工单尚未答复,暂不能确认结果。"), code="invalid_state")
    if ticket.events.filter(kind=EventKind.CONFIRMED).exists():
        raise ValidationError(_("您已确认过处理结果。"), code="invalid_state")
    return ticket_services.ticket_customer_record(
        by=by, ticket=ticket, kind=EventKind.CONFIRMED, body=(text or "").strip()
    )


def handlers_of(ticket) -> tuple[list, list]:
    """Who handled the ticket (its owner, department assignees and repliers, and staff who
    answered the customer) and which departments: the people a rating counts for."""
    people, departments = {}, {}
    if ticket.owner_id:
        people[ticket.owner_id] = ticket.owner
    if ticket.department_id:
        departments[ticket.department_id] = ticket.department
    for d in ticket.dispatches.filter(cancelled_at__isnull=True).select_related(
        "department", "assignee", "replied_by"
    ):
        departments[d.department_id] = d.department
        for user in (d.assignee, d.replied_by):
            if user is not None:
                people[user.pk] = user
    # Whoever answered or contacted the customer, whatever the row's audience (a follow-up's
    # text is the desk's record, yet the person followed up).
    answered = ticket.events.filter(
        kind__in=["answer", "follow_up", "feedback", "message", "reply"],
        actor__kind=UserKind.STAFF,
        actor__staff__isnull=False,
    ).select_related("actor")
    for event in answered:
        people[event.actor_id] = event.actor
    return list(people.values()), list(departments.values())


@transaction.atomic
def portal_rate(*, by, ticket, stars: int, comment: str = "") -> Rating:
    """SUP-2: 1–5 stars and a comment, once per ticket, once it has been answered."""
    _require_resident(by)
    if ticket.resident_id != by.resident_id:
        raise PermissionDenied
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise _invalid("stars", _("请选择 1 到 5 星。"), "invalid_choice")
    comment = (comment or "").strip()
    _too_long("comment", comment, COMMENT_MAX)
    if not has_answer(ticket):
        raise ValidationError(_("工单尚未答复,暂不能评价。"), code="invalid_state")
    if Rating.objects.filter(ticket=ticket).exists():
        raise _invalid("stars", _("每张工单只能评价一次。"), "already_rated")
    people, departments = handlers_of(ticket)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                ticket=ticket,
                community_id=ticket.community_id,
                resident_id=by.resident_id,
                stars=stars,
                comment=comment,
            )
    except IntegrityError:  # two clicks at once: the first one counts
        raise _invalid("stars", _("每张工单只能评价一次。"), "already_rated") from None
    rating.staff.set(people)
    rating.departments.set(departments)
    ticket_services.ticket_customer_record(
        by=by, ticket=ticket, kind=EventKind.RATING, body=comment, stars=stars
    )
    if ticket.owner_id:
        text = _("工单 %(number)s 收到客户评价:%(stars)s 星") % {
            "number": ticket.number,
            "stars": stars,
        }
        owner = ticket.owner
        transaction.on_commit(
            lambda: notify(
                users=[owner],
                kind="rating",
                text=text,
                link=reverse("ticket_detail", kwargs={"pk": ticket.pk}),
                key=f"rating:{ticket.pk}",
            )
        )
    return rating


# ---------------------------------------------------------------- announcements


@transaction.atomic
def announcement_create(
    *, by, community, title: str, body: str, building=None, publish_at=None
) -> Announcement:
    """Staff of the community write a notice to it or to one of its buildings. Its e-mails
    go out when it is published (now, or by the minute task at `publish_at`)."""
    if not has_post(by, *ANNOUNCE_POSTS):
        raise PermissionDenied
    if community is None:
        raise _invalid("community", _("请选择小区。"), "required")
    require_community(by, community.pk)
    if building is not None and building.community_id != community.pk:
        raise _invalid("building", _("楼栋不在该小区。"))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise _invalid("title", _("请填写标题。"), "required")
    if not body:
        raise _invalid("body", _("请填写内容。"), "required")
    now = timezone.now()
    publish_at = publish_at or now
    if publish_at < now - dt.timedelta(days=1):
        raise _invalid("publish_at", _("发布时间不能早于今天。"))
    announcement = Announcement(
        community=community,
        building=building,
        title=title,
        body=body,
        publish_at=publish_at,
        created_by=by,
    )
    announcement.full_clean()
    announcement.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=announcement, label=title)
    if publish_at <= now:
        transaction.on_commit(lambda: _queue_announcement(announcement.pk))
    return announcement


def _queue_announcement(pk: int) -> None:
    from wuyedesk.channels.tasks import announcement_send_task

    announcement_send_task(pk)


def announcement_recipients(announcement) -> list[tuple[str, str]]:
    """(address, language) of each current resident of its scope with an e-mail, once each."""
    occupants = Occupancy.objects.filter(
        move_out__isnull=True,
        resident__archived_at__isnull=True,
        community_id=announcement.community_id,
    )
    if announcement.building_id:
        occupants = occupants.filter(room__building_id=announcement.building_id)
    rows = (
        Resident.objects.filter(pk__in=occupants.values("resident_id"))
        .filter(~Q(email=""))
        .values_list("email", "account__language")
        .order_by("id")
    )
    seen, out = set(), []
    for address, language in rows:
        key = address.lower()
        if key not in seen:
            seen.add(key)
            out.append((address, language or settings.LANGUAGE_CODE))
    return out


def announcement_send(announcement_id: int) -> int:
    """E-mail a published announcement once: claimed by a conditional update, so two workers
    (or the task and the minute sweep) never both send it."""
    now = timezone.now()
    claimed = Announcement.objects.filter(
        pk=announcement_id, emailed_at__isnull=True, publish_at__lte=now
    ).update(emailed_at=now)
    if not claimed:
        return 0
    announcement = Announcement.objects.select_related("community", "building").get(
        pk=announcement_id
    )
    sent = 0
    for address, language in announcement_recipients(announcement):
        with translation.override(language):
            subject = _("【公告】%(title)s") % {"title": announcement.title}
            body = render_to_string(
                "channels/announcement_email.txt",
                {
                    "announcement": announcement,
                    "url": settings.SITE_URL.rstrip("/") + reverse("portal:home"),
                },
            )
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            sent += 1
        except OSError:
            log.warning("announcement %s: mail not sent", announcement_id, exc_info=True)
    Announcement.objects.filter(pk=announcement_id).update(emailed_count=sent)
    return sent


def announcements_send_due() -> int:
    """The minute task: announcements whose publish time has come and that were not sent."""
    due = Announcement.objects.filter(
        emailed_at__isnull=True, publish_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:100]
    return sum(announcement_send(pk) for pk in list(due))
