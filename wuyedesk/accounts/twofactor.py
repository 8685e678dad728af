"""Staff two-factor login (#11 point 6, MGT-3): TOTP from an authenticator app, recovery
codes, reset by the administrator, on django-otp.

Who must use it: staff in the posts of the company setting `two_factor_posts`, and anyone who
enrolled of their own accord. The middleware (accounts/middleware.py) keeps such a session
on the second step until `user.is_verified()` (django-otp's OTPMiddleware).

Recovery codes live in django-otp's static device, which keeps each token in clear in a
16-character column; we store a keyed digest of the code there instead (`_digest`), so the
table alone gives nobody a way in. Each code is deleted by django-otp when used.
"""

import re
import time

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wuyedesk.accounts.access import has_post, posts_of, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.signals import two_factor_event
from wuyedesk.accounts.throttling import login_check, login_failed
from wuyedesk.core import reference
from wuyedesk.core.company import company
from wuyedesk.lib.throttle import Throttled, throttle

RECOVERY_CODES = 10
TOTP_CODE = re.compile(r"^\d{6}$")
# Where the idle-timeout middleware keeps the time of the session's last request.
SEEN_KEY = "wuyedesk_seen"


# --- who must use it -------------------------------------------------------------------


def session_policy() -> tuple[frozenset[str], int]:
    """(posts that must use two-factor login, idle timeout in minutes): every staff request
    reads them, so each process keeps them until the reference data changes (a save of the
    company settings is one; core/reference.py)."""

    def build():
        settings = company()
        return frozenset(settings.two_factor_posts or ()), settings.idle_timeout_minutes

    return reference.memo(("company-session-policy",), build)


def _enrolled_users() -> frozenset[int]:
    """Ids of the users with a confirmed authenticator. Enrolment, reset and switching off
    announce themselves (`reference.changed()`), so no request queries for this."""

    def build():
        return frozenset(
            TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True)
        )

    return reference.memo(("two-factor-enrolled",), build)


def required_by_post(user) -> bool:
    return bool(posts_of(user) & session_policy()[0])


def is_enrolled(user) -> bool:
    return user.pk in _enrolled_users()


def required(user) -> bool:
    """Must this person give a second factor? Staff in a post the company names, and
    anyone who enrolled anyway; never residents."""
    if not getattr(user, "is_authenticated", False) or user.is_resident:
        return False
    return required_by_post(user) or is_enrolled(user)


def is_verified(user) -> bool:
    """Has this session (or this token request) given the second factor? Set by django-otp's
    OTPMiddleware on request.user."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending(user) -> bool:
    """Logged in with the password, still owing the second factor."""
    return required(user) and not is_verified(user)


def totp_device(user, *, confirmed=True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def recovery_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment -------------------------------------------------------------------------


def enrol_may_start(user) -> bool:
    """A new authenticator may be set up by someone without one, or by a verified session
    (replacing a lost phone). The password alone never replaces an existing authenticator."""
    return not is_enrolled(user) or is_verified(user)


def enrol_start(*, user) -> TOTPDevice:
    """The unconfirmed authenticator being set up: the same secret on every reload, until it
    is confirmed with a code."""
    if not enrol_may_start(user) or user.is_resident:
        raise PermissionDenied
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code in a data: URI, drawn here (no outside
    request; the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into the app by hand."""
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def enrol_confirm(*, request, user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the new authenticator with a code from it: it replaces any earlier one, the
    session counts as verified, and ten new recovery codes are returned (shown once)."""
    if device.user_id != user.pk or device.confirmed or not enrol_may_start(user):
        raise PermissionDenied
    _device_throttle(device)
    code = "".join((code or "").split())
    if not TOTP_CODE.match(code) or verify_token(user, device.persistent_id, code) is None:
        raise ValidationError(
            {"code": ValidationError(_("动态码不正确,请核对手机时间后重试。"), code="otp_invalid")}
        )
    with transaction.atomic():
        device.refresh_from_db()
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        _audited("otp_enrol", actor=user, user=user)
        reference.changed()
    otp_login(request, device)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=static, token=_digest(user, code)) for code in codes]
    )
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def _digest(user, code: str) -> str:
    normalized = re.sub(r"[\s-]", "", code).lower()
    return salted_hmac("wuyedesk.recovery-code", f"{user.pk}:{normalized}").hexdigest()[:16]


def recovery_regenerate(*, user) -> list[str]:
    """Ten new recovery codes for a verified session; the old ones stop working."""
    if not is_enrolled(user) or not is_verified(user):
        raise PermissionDenied
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _audited("otp_codes", actor=user, user=user)
    return codes


def disable(*, user) -> None:
    """Switch off one's own two-factor login: only when one's post does not require it."""
    if not is_enrolled(user) or not is_verified(user) or required_by_post(user):
        raise PermissionDenied
    with transaction.atomic():
        _remove_devices(user)
        _audited("otp_off", actor=user, user=user)


def _remove_devices(user) -> int:
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        _total, per_model = model.objects.filter(user=user).delete()
        removed += per_model.get(model._meta.label, 0)
    reference.changed()
    return removed


# --- the second step -------------------------------------------------------------------


def _device_throttle(device) -> None:
    """django-otp's own back-off per device (1, 2, 4 … seconds after successive failures)."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        locked_until = (data or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        raise Throttled(int(wait) + 1)


def verify(*, request, user, code: str):
    """Check a second factor: a 6-digit code from the authenticator app or a recovery code
    (used up). Returns the device that accepted it, or None. Every attempt is audited;
    failures count against the login rate limit of the company settings, per person and per
    client address (as failed passwords do), and django-otp slows each device down after a
    failure. Raises `Throttled` when either says
    to wait."""
    rate = company().rate_login
    group = "two-factor"
    login_check(request)  # a wrong code is a failed login, per client address too
    throttle(request, group=group, rate=rate, value=str(user.pk), increment=False)
    code = "".join((code or "").split())
    device = None
    method = "totp" if TOTP_CODE.match(code) else "recovery"
    if method == "totp":
        candidate = totp_device(user)
        token = code
    else:
        candidate = StaticDevice.objects.filter(user=user, confirmed=True).first()
        token = _digest(user, code)
    if candidate is not None and code:
        _device_throttle(candidate)
        device = verify_token(user, candidate.persistent_id, token)
    if device is None:
        _audited("otp_fail", actor=user, user=user, changes={"method": method})
        login_failed(request)
        throttle(request, group=group, rate=rate, value=str(user.pk))
        return None
    changes = {"method": method}
    if method == "recovery":
        changes["recovery_left"] = recovery_left(user)
    _audited("otp_pass", actor=user, user=user, changes=changes)
    return device


def session_verify(*, request, code: str) -> bool:
    """The second step of a page login: a good code marks the session verified."""
    device = verify(request=request, user=request.user, code=code)
    if device is None:
        return False
    otp_login(request, device)
    return True


def token_check(*, request, user, code: str | None) -> tuple[str, str] | None:
    """May a username+password token request of `user` go ahead? None if so (and the user
    counts as verified for token_create); else (error code, message) for a 401."""
    if not required(user):
        return None
    if not is_enrolled(user):
        return "otp_not_enrolled", _(
            "该账号须两步验证,但尚未设置验证器:请先在网页上登录并完成设置。"
        )
    if not code:
        return "otp_required", _("该账号须两步验证:请在 otp 字段中提供验证器应用的动态码。")
    device = verify(request=request, user=user, code=code)
    if device is None:
        return "otp_invalid", _("动态码不正确。")
    user.otp_device = device
    user.is_verified = lambda: True
    return None


# --- the administrator -----------------------------------------------------------------


def reset(*, by, staff) -> int:
    """Remove every authenticator and recovery code of a staff member (a lost phone): they
    enrol again at their next login. Administrator only; audited. Returns how many devices
    were removed."""
    if not has_post(by, Post.ADMIN):
        raise PermissionDenied
    user = staff.user
    with transaction.atomic():
        removed = _remove_devices(user)
        _audited("otp_reset", actor=by, user=user, changes={"devices": removed})
    return removed


def _audited(action: str, *, actor, user, changes: dict | None = None) -> None:
    """The audit log records it, in this transaction (audit/apps.py connects the signal)."""
    two_factor_event.send(
        sender=_audited, actor=actor, action=action, obj=user, label=_label(user), changes=changes
    )


def _label(user) -> str:
    staff = staff_of(user) or getattr(user, "staff", None)
    return f"{staff.name} ({user.username})" if staff is not None else user.username


# --- idle sessions ---------------------------------------------------------------------


def stamp_login(sender, request, user, **kwargs) -> None:
    """A new session starts its idle clock at login (so that its first request need not
    write the session)."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())
