"""Every change to shifts, rosters, clock records, leave and corrections (MGT-1, AST-5):
permission, validation, the change and its audit row in one transaction; notifications after
the commit."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import in_scope, staff_of
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.lib.messages import Msg
from wuyedesk.notifications.services import notify
from wuyedesk.staffing import rules
from wuyedesk.staffing.choices import Duty, LeaveKind, RequestStatus
from wuyedesk.staffing.models import (
    ClockRecord,
    CorrectionRequest,
    LeaveRequest,
    RosterEntry,
    Shift,
)
from wuyedesk.training.selectors import induction_block, induction_blocked_ids

# How far back a clock-out looks for the open clock-in it closes (a night shift's).
OPEN_RECORD_HOURS = 20
# The longest leave one request may ask for.
MAX_LEAVE_DAYS = 90


def _invalid(field: str | None, message: str, code: str = "invalid"):
    if field is None:
        return ValidationError(message, code=code)
    return ValidationError({field: ValidationError(message, code=code)})


def _later(users, kind, text, link, key):
    users = [u for u in users if u is not None]
    if users:
        transaction.on_commit(lambda: notify(users=users, kind=kind, text=text, link=link, key=key))


# --- shifts ---------------------------------------------------------------------------------


@transaction.atomic
def shift_save(*, by, name: str, start: dt.time, end: dt.time, shift: Shift | None = None) -> Shift:
    """Create a shift or change one (a shift may cross midnight: end before start)."""
    if not rules.may_edit_rosters(by):
        raise PermissionDenied
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ValidationError(_("请填写班次名称。"), code="required")
    elif Shift.objects.filter(name=name).exclude(pk=getattr(shift, "pk", None)).exists():
        errors["name"] = ValidationError(_("已有同名班次。"), code="unique")
    if start is None:
        errors["start"] = ValidationError(_("请填写上班时间。"), code="required")
    if end is None:
        errors["end"] = ValidationError(_("请填写下班时间。"), code="required")
    elif start is not None and end == start:
        errors["end"] = ValidationError(_("下班时间不能与上班时间相同。"), code="invalid")
    if errors:
        raise ValidationError(errors)
    if shift is None:
        shift = Shift.objects.create(name=name[:40], start=start, end=end)
        audit_record(actor=by, action=AuditAction.CREATE, obj=shift)
        return shift
    before = {"name": shift.name, "start": shift.start, "end": shift.end}
    shift.name, shift.start, shift.end = name[:40], start, end
    shift.save(update_fields=["name", "start", "end"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=shift,
        changes=diff_fields(before, {"name": name, "start": start, "end": end}),
    )
    return shift


@transaction.atomic
def shift_archive(*, by, shift: Shift) -> Shift:
    if not rules.may_edit_rosters(by):
        raise PermissionDenied
    shift.archived = True
    shift.save(update_fields=["archived"])
    audit_record(actor=by, action=AuditAction.ARCHIVE, obj=shift)
    return shift


# --- rosters --------------------------------------------------------------------------------


def _phone_companion(user, *, date, shift, community) -> bool:
    """Is someone free of the induction gate on the phone line on the same day and shift
    (of the department, for the same community or for all of them)?"""
    others = set(
        RosterEntry.objects.filter(
            department_id=rules.own_department_id(user) or 0,
            date=date,
            shift=shift,
            duty=Duty.PHONE,
        )
        .filter(Q(community=community) | Q(community__isnull=True))
        .exclude(user=user)
        .values_list("user_id", flat=True)
    )
    return bool(others - induction_blocked_ids(others))


@transaction.atomic
def roster_add(*, by, user, date: dt.date, shift: Shift, duty: str, community=None) -> RosterEntry:
    """Put `user` of the editor's department on `shift` on `date` at `duty`."""
    if not rules.may_edit_rosters(by):
        raise PermissionDenied
    department_id = rules.own_department_id(by)
    errors = {}
    staff = staff_of(user) if user is not None else None
    if (
        staff is None
        or staff.department_id != department_id
        or not rules.staff_users(by).filter(pk=user.pk).exists()
    ):
        errors["user"] = ValidationError(_("请选择本部门的在职员工。"), code="invalid_choice")
    if date is None:
        errors["date"] = ValidationError(_("请填写日期。"), code="required")
    if shift is None or shift.archived:
        errors["shift"] = ValidationError(_("请选择有效的班次。"), code="invalid_choice")
    if duty not in Duty.values:
        errors["duty"] = ValidationError(_("请选择岗位职责。"), code="invalid_choice")
    if community is not None and not in_scope(by, community.pk):
        errors["community"] = ValidationError(_("小区不在您负责的范围内。"), code="invalid_choice")
    if not errors and RosterEntry.objects.filter(user=user, date=date, shift=shift).exists():
        errors["shift"] = ValidationError(_("此人当天已排此班次。"), code="unique")
    if not errors and duty == Duty.PHONE:
        held = induction_block(user)
        if held and not _phone_companion(user, date=date, shift=shift, community=community):
            errors["user"] = ValidationError(
                _("%(reason)s。不能单独值守热线:请先为同一班次安排一位已通过入职培训的同事。")
                % {"reason": held},
                code="induction",
            )
    if errors:
        raise ValidationError(errors)
    entry = RosterEntry.objects.create(
        department_id=department_id,
        community=community,
        date=date,
        user=user,
        shift=shift,
        duty=duty,
        created_by=by,
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=entry,
        label=f"{staff.name} {entry}",
        details={"user_id": user.pk},
    )
    return entry


@transaction.atomic
def roster_remove(*, by, entry: RosterEntry) -> None:
    if (
        not rules.may_edit_rosters(by)
        or entry.department_id != rules.own_department_id(by)
        or not rules.may_read_person(by, entry.user)
        or (entry.community_id is not None and not in_scope(by, entry.community_id))
    ):
        raise PermissionDenied
    audit_record(
        actor=by,
        action=AuditAction.ARCHIVE,
        obj=entry,
        details={"user_id": entry.user_id, "date": entry.date.isoformat()},
    )
    entry.delete()


# --- clock-in and clock-out -----------------------------------------------------------------


def _roster_day(user, now: dt.datetime) -> dt.date:
    """The roster day a clock-in at `now` belongs to: the day of the rostered shift whose start
    is nearest (yesterday's night shift, today's, tomorrow's early one), else today."""
    tz = timezone.get_default_timezone()
    today = timezone.localtime(now, tz).date()
    entries = RosterEntry.objects.filter(
        user=user, date__range=(today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    ).select_related("shift")
    best = None
    for entry in entries:
        start, end = entry.shift.bounds(entry.date, tz)
        distance = 0 if start <= now <= end else min(abs(now - start), abs(now - end)).seconds
        if best is None or distance < best[0]:
            best = (distance, entry.date)
    return best[1] if best else today


@transaction.atomic
def clock(*, by, action: str, ip: str | None, now: dt.datetime | None = None) -> ClockRecord:
    """Clock in or out now (the server's time) from the address `ip`."""
    rules.require_staff(by)
    now = now or timezone.now()
    if action == "in":
        date = _roster_day(by, now)
        record, _created = ClockRecord.objects.select_for_update().get_or_create(user=by, date=date)
        if record.clock_in is not None:
            raise _invalid("action", _("今天已打过上班卡。"), "duplicate")
        record.clock_in, record.in_ip = now, ip or None
        record.save(update_fields=["clock_in", "in_ip", "updated_at"])
    elif action == "out":
        record = (
            ClockRecord.objects.select_for_update()
            .filter(
                user=by,
                clock_in__gte=now - dt.timedelta(hours=OPEN_RECORD_HOURS),
                clock_out__isnull=True,
            )
            .order_by("-clock_in")
            .first()
        )
        if record is None:
            raise _invalid("action", _("没有待结束的上班打卡,请先打上班卡或申请考勤更正。"))
        record.clock_out, record.out_ip = now, ip or None
        record.save(update_fields=["clock_out", "out_ip", "updated_at"])
    else:
        raise _invalid("action", _("请选择上班或下班打卡。"), "invalid_choice")
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=record,
        label=f"{by.get_username()} {record.date}",
        details={"clock": action},
    )
    return record


# --- leave and corrections ------------------------------------------------------------------


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _invalid(field, _("请填写事由。"), "required")
    return reason[:500]


def _approvers_of(user):
    staff = staff_of(user)
    if staff is None or staff.department_id is None:
        return []
    return [
        u
        for u in rules.staff_users_of_department(staff.department_id)
        if u.pk != user.pk and rules.may_approve(u)
    ]


@transaction.atomic
def leave_request(*, by, kind: str, start_date, end_date, reason: str) -> LeaveRequest:
    rules.require_staff(by)
    errors = {}
    if kind not in LeaveKind.values:
        errors["kind"] = ValidationError(_("请选择假别。"), code="invalid_choice")
    if start_date is None:
        errors["start_date"] = ValidationError(_("请填写开始日期。"), code="required")
    if end_date is None:
        errors["end_date"] = ValidationError(_("请填写结束日期。"), code="required")
    elif start_date is not None and end_date < start_date:
        errors["end_date"] = ValidationError(_("结束日期不能早于开始日期。"), code="invalid")
    elif start_date is not None and (end_date - start_date).days >= MAX_LEAVE_DAYS:
        errors["end_date"] = ValidationError(
            _("一次请假不能超过 %(days)s 天。") % {"days": MAX_LEAVE_DAYS}, code="invalid"
        )
    if not (reason or "").strip():
        errors["reason"] = ValidationError(_("请填写事由。"), code="required")
    if errors:
        raise ValidationError(errors)
    leave = LeaveRequest.objects.create(
        user=by, kind=kind, start_date=start_date, end_date=end_date, reason=_reason(reason)
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=leave)
    _later(
        _approvers_of(by),
        "staffing",
        Msg(gettext_noop("%(name)s 提交了请假申请,待您审批。"), name=staff_of(by).name),
        reverse("staffing:requests"),
        f"staffing-leave-{leave.pk}",
    )
    return leave


@transaction.atomic
def correction_request(*, by, date, reason: str) -> CorrectionRequest:
    rules.require_staff(by)
    errors = {}
    if date is None:
        errors["date"] = ValidationError(_("请填写考勤日期。"), code="required")
    elif not RosterEntry.objects.filter(user=by, date=date).exists():
        errors["date"] = ValidationError(_("您这一天没有排班,无需更正。"), code="invalid")
    elif CorrectionRequest.objects.filter(
        user=by, date=date, status__in=(RequestStatus.SUBMITTED, RequestStatus.APPROVED)
    ).exists():
        errors["date"] = ValidationError(_("这一天已有更正申请。"), code="duplicate")
    if not (reason or "").strip():
        errors["reason"] = ValidationError(_("请填写事由。"), code="required")
    if errors:
        raise ValidationError(errors)
    correction = CorrectionRequest.objects.create(user=by, date=date, reason=_reason(reason))
    audit_record(actor=by, action=AuditAction.CREATE, obj=correction)
    _later(
        _approvers_of(by),
        "staffing",
        Msg(gettext_noop("%(name)s 提交了考勤更正申请,待您审批。"), name=staff_of(by).name),
        reverse("staffing:requests"),
        f"staffing-correction-{correction.pk}",
    )
    return correction


def request_dates(request) -> str:
    if isinstance(request, LeaveRequest):
        return f"{request.start_date:%Y-%m-%d}–{request.end_date:%Y-%m-%d}"
    return f"{request.date:%Y-%m-%d}"


@transaction.atomic
def decide(*, by, request, approve: bool, reason: str = ""):
    """Approve or refuse a leave or correction request (a refusal needs a reason)."""
    request = type(request).objects.select_for_update().get(pk=request.pk)
    if not rules.may_decide_for(by, request.user):
        raise PermissionDenied
    if request.status != RequestStatus.SUBMITTED:
        raise _invalid(None, _("该申请已审批,不能再次处理。"), "decided")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise _invalid("reason", _("驳回须填写理由。"), "required")
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    request.decided_by, request.decided_at = by, timezone.now()
    request.decision_reason = reason[:500]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=request,
        changes={"status": [RequestStatus.SUBMITTED.value, request.status]},
        details={"user_id": request.user_id, "reason": request.decision_reason},
    )
    text = (
        gettext_noop("您的申请(%(what)s)已批准。")
        if approve
        else gettext_noop("您的申请(%(what)s)已驳回:%(reason)s")
    )
    _later(
        [request.user],
        "staffing",
        Msg(text, what=request_dates(request), reason=request.decision_reason),
        reverse("staffing:me"),
        f"staffing-decided-{request._meta.model_name}-{request.pk}",
    )
    return request
