"""Every change to the call log: permission, validation, the change and its audit — one
transaction. A follow-up or return-visit call is recorded through the ticket's own service
(`ticket_follow_up`, `ticket_return_visit`) in the same transaction, so it meets those
clocks exactly as the ticket page does (SPE-2, INQ-4, CMP-5).

The caller's number is personal data (PIPL, MGT-3): it is stored normalised, never logged,
never put in a URL, shown masked; showing it in full is audited like a resident's phone.
"""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, require_community, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import ApiToken, Staff, User, hash_token
from wuyedesk.accounts.selectors import extension_taken
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.properties.models import Resident
from wuyedesk.properties.services import may_reveal
from wuyedesk.telephony.choices import MANUAL_SOURCE, CallOutcome, Direction, Purpose
from wuyedesk.telephony.models import Call, Integration
from wuyedesk.tickets import services as tickets
from wuyedesk.tickets.choices import Channel

# Who logs calls by hand: the customer-service desk.
LOG_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER)
# A caller id after normalising: digits only (a local number, a mobile, an international one).
CALLER_RE = re.compile(r"^[0-9]{3,20}$")
EXTENSION_RE = re.compile(r"^[0-9]{2,10}$")
TOKEN_PREFIX = "wdt_"  # noqa: S105  (a marker, not a secret)
# How far in the future a reported start may lie (PBX clock skew).
CLOCK_SKEW = dt.timedelta(minutes=5)


# A PBX may report calls late (after an outage), not from long ago; a call lasts less than this.
LATE_REPORT = dt.timedelta(days=30)
MAX_DURATION = dt.timedelta(days=1)


def _aware(value):
    """A time without an offset is the company's local time (Asia/Shanghai by default)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def clean_number(raw: str, field: str = "number") -> str:
    number = normalize_phone(raw or "").lstrip("+")
    if not CALLER_RE.match(number):
        raise _invalid(field, _("电话号码格式不正确(应为 3 到 20 位数字)。"), "invalid_phone")
    return number


def clean_extension(raw: str, field: str = "extension") -> str:
    extension = (raw or "").strip()
    if not EXTENSION_RE.match(extension):
        raise _invalid(field, _("分机号应为 2 到 10 位数字。"), "invalid_extension")
    return extension


def resident_by_number(number: str):
    """The one resident on file with this number, or None (none, or several share it)."""
    found = list(Resident.objects.filter(phone=number, archived_at__isnull=True)[:2])
    return found[0] if len(found) == 1 else None


def staff_on_extension(extension: str):
    """The active staff member on an extension; when several share one (a hunt group set up
    by hand), the one who logged in last."""
    return (
        User.objects.filter(
            staff__extension=extension, staff__archived_at__isnull=True, is_active=True
        )
        .order_by(F("last_login").desc(nulls_last=True), "pk")
        .first()
    )


def _community_of(ticket, resident):
    if ticket is not None:
        return ticket.community_id
    if resident is not None:
        return resident.community_id
    return None


# --- the PBX's side: integration tokens and the two endpoints -------------------------------


def integration_authenticate(raw: str):
    """The live integration of a raw token, or None. Touches last_used_at once a minute."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    integration = Integration.objects.filter(
        digest=hash_token(raw), revoked_at__isnull=True
    ).first()
    if integration is None:
        return None
    now = timezone.now()
    if integration.last_used_at is None or (now - integration.last_used_at).total_seconds() > 60:
        Integration.objects.filter(pk=integration.pk).update(last_used_at=now)
    return integration


@transaction.atomic
def integration_create(*, by, name: str, source: str) -> tuple[Integration, str]:
    """A token for one PBX. Returns the raw value once; only its digest is stored."""
    if not has_post(by, Post.ADMIN):
        raise PermissionDenied
    name, source = (name or "").strip(), (source or "").strip()
    if not name:
        raise _invalid("name", _("请填写名称。"), "required")
    if not re.match(r"^[-a-zA-Z0-9_]{1,40}$", source):
        raise _invalid("source", _("来源标识只能包含字母、数字、- 和 _。"), "invalid")
    raw = TOKEN_PREFIX + ApiToken.generate()[3:]
    integration = Integration.objects.create(
        name=name[:60], source=source, prefix=raw[4:10], digest=hash_token(raw), created_by=by
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=integration)
    return integration, raw


@transaction.atomic
def integration_revoke(*, by, integration: Integration) -> Integration:
    if not has_post(by, Post.ADMIN):
        raise PermissionDenied
    if integration.revoked_at is None:
        integration.revoked_at = timezone.now()
        integration.save(update_fields=["revoked_at"])
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=integration, changes={"revoked": True}
        )
    return integration


def call_receive(
    *, integration: Integration, number: str, extension: str, external_id: str, started_at=None
) -> tuple[Call, bool]:
    """A ringing inbound call reported by the PBX: stored, matched to a resident by number,
    and popped on the pages of the staff member on `extension` (if there is one).
    The same call id again returns the stored call (created=False): retries are harmless."""
    external_id = (external_id or "").strip()
    if not external_id or len(external_id) > 64:
        raise _invalid("call_id", _("通话编号不能为空,且不超过 64 个字符。"), "invalid")
    existing = Call.objects.filter(source=integration.source, external_id=external_id).first()
    if existing is not None:
        return existing, False
    number = clean_number(number)
    extension = (extension or "").strip()[:10]
    now = timezone.now()
    started_at = _aware(started_at) or now
    if started_at > now + CLOCK_SKEW:
        raise _invalid("started_at", _("开始时间不能晚于现在。"), "invalid")
    if started_at < now - LATE_REPORT:
        raise _invalid("started_at", _("开始时间过早。"), "invalid")
    staff = staff_on_extension(extension) if extension else None
    resident = resident_by_number(number)
    call = Call(
        direction=Direction.INBOUND,
        source=integration.source,
        external_id=external_id,
        number=number,
        extension=extension,
        staff=staff,
        started_at=started_at,
        resident=resident,
        community_id=_community_of(None, resident),
        pop_open=staff is not None,
    )
    try:
        with transaction.atomic():
            call.save()
    except IntegrityError:  # the same call id arrived twice at once: the first one stands
        return Call.objects.get(source=integration.source, external_id=external_id), False
    return call, True


def clean_recording_url(raw: str | None) -> str:
    """The PBX's link to the call's recording: an http(s) address of at most 500 characters
    (never another scheme: the link is shown to staff as is)."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        if len(raw) > 500:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(raw)
    except ValidationError:
        raise _invalid(
            "recording_url", _("录音链接须是不超过 500 个字符的 http(s) 地址。"), "invalid"
        ) from None
    return raw


@transaction.atomic
def call_end(
    *,
    integration: Integration,
    external_id: str,
    ended_at=None,
    answered: bool | None = None,
    recording_url: str | None = None,
) -> Call:
    """The PBX reports the hang-up: the end time and duration (once; repeats change nothing
    but a recording link the first report lacked, as a PBX may report it when it is ready)."""
    recording_url = clean_recording_url(recording_url)
    call = (
        Call.objects.select_for_update()
        .filter(source=integration.source, external_id=external_id)
        .first()
    )
    if call is None:
        from django.http import Http404

        raise Http404
    if call.ended_at is not None:
        if recording_url and not call.recording_url:
            call.recording_url = recording_url
            call.save(update_fields=["recording_url"])
        return call
    now = timezone.now()
    ended_at = _aware(ended_at) or now
    if ended_at < call.started_at:
        raise _invalid("ended_at", _("结束时间不能早于开始时间。"), "invalid")
    if ended_at > now + CLOCK_SKEW or ended_at - call.started_at > MAX_DURATION:
        raise _invalid("ended_at", _("结束时间不合理。"), "invalid")
    call.ended_at = ended_at
    call.duration = int((ended_at - call.started_at).total_seconds())
    if answered is not None:
        call.answered = answered
        call.outcome = CallOutcome.ANSWERED if answered else CallOutcome.MISSED
    call.recording_url = recording_url or call.recording_url
    call.save(update_fields=["ended_at", "duration", "answered", "outcome", "recording_url"])
    return call


# --- the staff's side ---------------------------------------------------------------------


def _ticket_error(error: ValidationError) -> ValidationError:
    """A ticket service's error on `text`/`words` belongs to the call's `notes`."""
    if not hasattr(error, "error_dict"):
        return ValidationError({"purpose": error.error_list})
    renamed = {"text": "notes", "words": "notes", "channel": "purpose"}
    return ValidationError({renamed.get(k, k): v for k, v in error.error_dict.items()})


@transaction.atomic
def call_log(
    *,
    by,
    direction: str,
    started_at,
    outcome: str,
    number: str = "",
    duration: int | None = None,
    purpose: str = Purpose.GENERAL,
    notes: str = "",
    ticket=None,
    resident=None,
    satisfaction: str = "",
) -> Call:
    """A call logged by hand: an outbound follow-up or return visit, or a call the PBX does
    not report. `ticket` and `resident` come from the caller's own scoped selectors."""
    if not has_post(by, *LOG_POSTS):
        raise PermissionDenied
    if direction not in Direction.values:
        raise _invalid("direction", _("请选择呼入或呼出。"), "invalid_choice")
    if outcome not in CallOutcome.values:
        raise _invalid("outcome", _("请选择通话结果。"), "invalid_choice")
    if purpose not in Purpose.values:
        raise _invalid("purpose", _("请选择通话目的。"), "invalid_choice")
    now = timezone.now()
    started_at = _aware(started_at)
    if started_at is None or started_at > now + CLOCK_SKEW:
        raise _invalid("started_at", _("开始时间不能晚于现在。"), "invalid")
    if duration is not None and not 0 <= duration <= MAX_DURATION.total_seconds():
        raise _invalid("duration", _("时长不合理。"), "invalid")
    if ticket is not None:
        require_community(by, ticket.community_id)
        if resident is None and ticket.resident_id:
            resident = ticket.resident
    if purpose != Purpose.GENERAL and ticket is None:
        raise _invalid("ticket", _("跟进和回访电话须关联工单。"), "required")
    if not (number or "").strip() and resident is not None:
        number = resident.phone
    number = clean_number(number)
    answered = outcome == CallOutcome.ANSWERED
    call = Call.objects.create(
        direction=direction,
        source=MANUAL_SOURCE,
        number=number,
        staff=by,
        started_at=started_at,
        answered=answered,
        duration=duration,
        ended_at=started_at + dt.timedelta(seconds=duration) if duration is not None else None,
        outcome=outcome,
        purpose=purpose,
        notes=notes,
        ticket=ticket,
        resident=resident,
        community_id=_community_of(ticket, resident),
        created_by=by,
    )
    _count_toward_ticket(by, call, satisfaction)
    return call


def _count_toward_ticket(by, call: Call, satisfaction: str) -> None:
    if call.ticket_id is None:
        return
    try:
        if call.purpose == Purpose.FOLLOW_UP and call.answered:
            # Only a conversation with the customer is a follow-up (INQ-4); an attempt that
            # did not get through stays in the call log.
            tickets.ticket_follow_up(
                by=by, ticket=call.ticket, channel=Channel.PHONE, text=call.notes
            )
        elif call.purpose == Purpose.RETURN_VISIT:
            tickets.ticket_return_visit(
                by=by,
                ticket=call.ticket,
                channel=Channel.PHONE,
                reached=call.answered,
                satisfaction=satisfaction,
                words=call.notes,
            )
        else:
            _on_timeline(by, call)
    except ValidationError as error:
        raise _ticket_error(error) from None


@transaction.atomic
def call_link(*, by, call: Call, ticket=None, notes: str | None = None, outcome: str = "") -> Call:
    """Attach a call to a ticket (from the intake it popped, or by hand) and note what was
    said. The ticket comes from the caller's scoped selector."""
    if not has_post(by, *LOG_POSTS) and call.staff_id != by.pk:
        raise PermissionDenied
    fields = []
    if ticket is not None and ticket.pk != call.ticket_id:
        require_community(by, ticket.community_id)
        call.ticket = ticket
        call.community_id = ticket.community_id
        fields += ["ticket", "community"]
        if call.resident_id is None and ticket.resident_id:
            call.resident_id = ticket.resident_id
            fields.append("resident")
    if notes is not None and notes != call.notes:
        call.notes = notes
        fields.append("notes")
    if outcome:
        if outcome not in CallOutcome.values:
            raise _invalid("outcome", _("请选择通话结果。"), "invalid_choice")
        call.outcome = outcome
        call.answered = outcome == CallOutcome.ANSWERED
        fields += ["outcome", "answered"]
    if fields:
        call.save(update_fields=fields)
    if "ticket" in fields:
        _on_timeline(by, call)
    return call


def _on_timeline(by, call: Call) -> None:
    """A call about a ticket that is neither its follow-up nor its return visit: an internal
    row on the ticket's timeline, so that the desk sees every conversation in one place."""
    minutes, seconds = divmod(call.duration or 0, 60)
    tickets.ticket_call_record(
        by=by,
        ticket=call.ticket,
        summary=f"{call.get_direction_display()} · {call.get_outcome_display()} · "
        f"{minutes}:{seconds:02d}",
        notes=call.notes,
        call=call.pk,
    )


def call_reveal(*, by, call: Call) -> str:
    """The full number, for those whose post may see residents' phones; audited (MGT-3)."""
    if not may_reveal(by):
        raise PermissionDenied
    audit_record(
        actor=by,
        action=AuditAction.REVEAL,
        obj=call,
        community_id=call.community_id,
        changes={"field": "number"},
    )
    return call.number


def call_dismiss(*, by, call: Call) -> None:
    """Close the screen pop of a call on one's own pages."""
    Call.objects.filter(pk=call.pk, staff=by, pop_open=True).update(pop_open=False)


@transaction.atomic
def extension_set(*, by, extension: str) -> Staff:
    """A staff member sets their own extension (an administrator can on the staff page too).
    An extension in use by somebody else is refused, so a call pops on one person's page."""
    staff = staff_of(by)
    if staff is None:
        raise PermissionDenied
    extension = (extension or "").strip()
    if extension:
        extension = clean_extension(extension)
        if extension_taken(extension, staff_pk=staff.pk):
            raise _invalid("extension", _("该分机号已有其他员工使用。"), "taken")
    if extension != staff.extension:
        before = staff.extension
        Staff.objects.filter(pk=staff.pk).update(extension=extension)
        staff.extension = extension
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=staff,
            changes={"extension": [before, extension]},
        )
    return staff
