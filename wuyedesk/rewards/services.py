"""Rewards and penalties (MGT-7, MGT-8): propose, approve (the manager; then an executive
for bonus, demotion and dismissal), reject, notify the person, appeal within the window of
the version in force, decide the appeal. Each step checks the person's right, validates,
writes the record, its timeline row and an audit row in one transaction; notifications
leave after the commit."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.lib.messages import Msg, label
from wuyedesk.notifications.services import notify
from wuyedesk.policies.services import policy
from wuyedesk.rewards import selectors
from wuyedesk.rewards.choices import (
    AppealOutcome,
    EventKind,
    MeasureKind,
    MeasureStatus,
    Source,
)
from wuyedesk.rewards.models import Measure, MeasureEvent
from wuyedesk.supervision.selectors import inspections_visible_to
from wuyedesk.tickets.choices import Kind
from wuyedesk.tickets.selectors import tickets_visible_to

MAX_TEXT = 5000
MAX_AMOUNT = Decimal("99999999.99")
NOTICE_KIND = "reward"


def invalid(field, message, code="invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def link(measure) -> str:
    return reverse("rewards:detail", kwargs={"pk": measure.pk})


def _text(field, value, message) -> str:
    value = (value or "").strip()
    if not value:
        raise invalid(field, message, "required")
    if len(value) > MAX_TEXT:
        raise invalid(field, _("最多 %(n)s 字。") % {"n": MAX_TEXT}, "max_length")
    return value


def _lock(measure) -> Measure:
    return (
        Measure.objects.select_for_update(of=("self",))
        .select_related("staff__user")
        .get(pk=measure.pk)
    )


def _record(measure, kind, by, text="", *, before=None, create=False):
    """The timeline row and the audit row of one step."""
    MeasureEvent.objects.create(measure=measure, kind=kind, by=by, text=text)
    changes = {} if before is None else {"status": [before, measure.status]}
    audit_record(
        actor=by,
        action=AuditAction.CREATE if create else AuditAction.UPDATE,
        obj=measure,
        changes=changes,
        details={"step": str(kind), "kind": measure.kind},
    )


def _name(measure) -> Msg:
    return Msg(
        gettext_noop("%(kind)s(%(name)s)"),
        kind=label(MeasureKind(measure.kind).label),
        name=measure.staff.name,
    )


def _managers_of(staff) -> list:
    users = User.objects.filter(
        is_active=True, staff__archived_at__isnull=True, staff__posts__post=Post.MANAGER
    ).distinct()
    return [u for u in users if u.pk != staff.user_id and selectors.in_reach(u, staff)]


def _executives(staff) -> list:
    users = User.objects.filter(
        is_active=True, staff__archived_at__isnull=True, staff__posts__post=Post.EXECUTIVE
    ).distinct()
    return [u for u in users if u.pk != staff.user_id]


def _send(users, measure, text, step, *, email=False):
    stamp = f"rewards:{measure.pk}:{step}:{timezone.now().isoformat()}"
    target = link(measure)
    transaction.on_commit(
        lambda: notify(
            users=users, kind=NOTICE_KIND, text=text, link=target, key=stamp, email=email
        )
    )


# --- proposing ---------------------------------------------------------------------------------


def _clean_links(by, ticket, complaint, inspection):
    if ticket is not None and not tickets_visible_to(by).filter(pk=ticket.pk).exists():
        raise invalid("ticket", _("找不到该工单,或不在您的权限范围内。"), "invalid_choice")
    if complaint is not None:
        if not tickets_visible_to(by).filter(pk=complaint.pk).exists():
            raise invalid("complaint", _("找不到该投诉,或不在您的权限范围内。"), "invalid_choice")
        if complaint.kind != Kind.COMPLAINT:
            raise invalid("complaint", _("所选工单不是投诉。"), "invalid_choice")
    if inspection is not None and not inspections_visible_to(by).filter(pk=inspection.pk).exists():
        raise invalid("inspection", _("找不到该检查,或不在您的权限范围内。"), "invalid_choice")


def _clean_amount(kind, amount):
    if kind == MeasureKind.BONUS:
        if amount is None:
            raise invalid("amount", _("奖金须填写金额。"), "required")
        amount = Decimal(amount)
        if amount <= 0 or amount > MAX_AMOUNT:
            raise invalid("amount", _("金额须大于 0 且不超过 %(max)s 元。") % {"max": MAX_AMOUNT})
        return amount.quantize(Decimal("0.01"))
    if amount not in (None, ""):
        raise invalid("amount", _("只有奖金需要填写金额。"))
    return None


@transaction.atomic
def measure_propose(
    *,
    by,
    staff,
    kind: str,
    facts: str,
    reason: str,
    amount=None,
    ticket=None,
    complaint=None,
    inspection=None,
) -> Measure:
    """The manager proposes a reward or penalty for a person of their department, with the
    facts and the reason; it waits for a manager's approval."""
    if not selectors.may_propose(by):
        raise PermissionDenied
    if staff is None:
        raise invalid("staff", _("请选择员工。"), "required")
    if not selectors.in_reach(by, staff) or staff.is_archived:
        raise invalid("staff", _("找不到该员工,或不在您的权限范围内。"), "invalid_choice")
    me = staff_of(by)
    if me is not None and me.pk == staff.pk:
        raise invalid("staff", _("不能为自己提出奖惩。"), "self")
    if kind not in MeasureKind.values:
        raise invalid("kind", _("请选择奖惩类型。"), "invalid_choice")
    amount = _clean_amount(kind, amount)
    facts = _text("facts", facts, _("请写明事实经过。"))
    reason = _text("reason", reason, _("请写明理由。"))
    _clean_links(by, ticket, complaint, inspection)
    measure = Measure.objects.create(
        staff=staff,
        kind=kind,
        amount=amount,
        facts=facts,
        reason=reason,
        source=Source.MANAGER,
        ticket=ticket,
        complaint=complaint,
        inspection=inspection,
        proposed_by=by,
    )
    _record(measure, EventKind.PROPOSED, by, reason, create=True)
    others = [u for u in _managers_of(staff) if u.pk != by.pk]
    _send(others, measure, Msg(gettext_noop("奖惩提议待您审批:%(name)s"), name=_name(measure)), "p")
    return measure


# --- approving ---------------------------------------------------------------------------------


def _take_effect(measure, by):
    """The last approval: the record takes effect, the person is notified and, for a
    penalty, may appeal until the window of the version in force closes."""
    now = timezone.now()
    measure.status, measure.effective_at = MeasureStatus.APPROVED, now
    if measure.is_penalty:
        measure.appeal_until = now + dt.timedelta(days=policy().reward_appeal_days)
    measure.save()
    if measure.is_penalty:
        text = Msg(
            gettext_noop("关于您的处理决定:%(kind)s。如有异议,可在 %(until)s 前提出申诉。"),
            kind=label(MeasureKind(measure.kind).label),
            until=timezone.localtime(measure.appeal_until).strftime("%Y-%m-%d %H:%M"),
        )
    else:
        text = Msg(
            gettext_noop("关于您的奖励决定:%(kind)s。"), kind=label(MeasureKind(measure.kind).label)
        )
    _send([measure.staff.user], measure, text, "effect", email=True)


def _notified(measure, by):
    if measure.status == MeasureStatus.APPROVED:
        MeasureEvent.objects.create(measure=measure, kind=EventKind.NOTIFIED, by=by)


@transaction.atomic
def measure_approve(*, by, measure, remarks: str = "") -> Measure:
    """The manager's approval: it takes effect, or (bonus, demotion, dismissal) goes on to
    the executives."""
    measure = _lock(measure)
    if measure.status != MeasureStatus.PROPOSED:
        raise ValidationError(_("只有待经理审批的提议可以批准。"), code="invalid_state")
    if not selectors.may_approve(by, measure):
        raise PermissionDenied
    before = measure.status
    measure.approved_by, measure.approved_at = by, timezone.now()
    measure.decided_remarks = (remarks or "").strip()[:MAX_TEXT]
    if measure.needs_executive:
        measure.status = MeasureStatus.EXECUTIVE
        measure.save()
        text = Msg(gettext_noop("奖惩提议待管理层审批:%(name)s"), name=_name(measure))
        _send(_executives(measure.staff), measure, text, "x", email=True)
    else:
        _take_effect(measure, by)
    _record(measure, EventKind.APPROVED, by, measure.decided_remarks, before=before)
    _notified(measure, by)
    return measure


@transaction.atomic
def measure_approve_as_executive(*, by, measure, remarks: str = "") -> Measure:
    measure = _lock(measure)
    if measure.status != MeasureStatus.EXECUTIVE:
        raise ValidationError(_("只有待管理层审批的提议可以批准。"), code="invalid_state")
    if not selectors.may_approve_as_executive(by, measure):
        raise PermissionDenied
    before = measure.status
    measure.executive_by, measure.executive_at = by, timezone.now()
    remarks = (remarks or "").strip()[:MAX_TEXT]
    if remarks:
        measure.decided_remarks = remarks
    _take_effect(measure, by)
    _record(measure, EventKind.EXECUTIVE_APPROVED, by, remarks, before=before)
    _notified(measure, by)
    return measure


@transaction.atomic
def measure_reject(*, by, measure, remarks: str) -> Measure:
    """Not approved (by the manager, or by an executive at the second step), with a
    reason; the proposer is told."""
    measure = _lock(measure)
    if measure.status == MeasureStatus.PROPOSED:
        allowed = selectors.may_approve(by, measure)
    elif measure.status == MeasureStatus.EXECUTIVE:
        allowed = selectors.may_approve_as_executive(by, measure)
    else:
        raise ValidationError(_("只有待审批的提议可以不予批准。"), code="invalid_state")
    if not allowed:
        raise PermissionDenied
    remarks = _text("remarks", remarks, _("不予批准时请写明理由。"))
    before = measure.status
    measure.status, measure.decided_remarks = MeasureStatus.REJECTED, remarks
    measure.save()
    _record(measure, EventKind.REJECTED, by, remarks, before=before)
    if measure.proposed_by_id and measure.proposed_by_id != by.pk:
        text = Msg(gettext_noop("奖惩提议未获批准:%(name)s"), name=_name(measure))
        _send([measure.proposed_by], measure, text, "r")
    return measure


# --- appeals -------------------------------------------------------------------------------


@transaction.atomic
def measure_appeal(*, by, measure, reason: str) -> Measure:
    """The person appeals a penalty about them, within the window, with a reason; the
    executive (bonus, demotion, dismissal) or the manager decides."""
    measure = _lock(measure)
    me = staff_of(by)
    if me is None or me.pk != measure.staff_id:
        raise PermissionDenied
    if not selectors.may_appeal(by, measure):
        raise ValidationError(
            _("该记录不能申诉:只有已生效的处罚、在申诉期限内、且未申诉过的可以申诉。"),
            code="invalid_state",
        )
    reason = _text("reason", reason, _("请写明申诉理由。"))
    before = measure.status
    measure.status = MeasureStatus.APPEALED
    measure.appeal_reason, measure.appealed_at = reason, timezone.now()
    measure.save()
    _record(measure, EventKind.APPEALED, by, reason, before=before)
    deciders = (
        _executives(measure.staff) if measure.needs_executive else _managers_of(measure.staff)
    )
    text = Msg(gettext_noop("奖惩申诉待您处理:%(name)s"), name=_name(measure))
    _send(deciders, measure, text, "a", email=True)
    return measure


@transaction.atomic
def measure_decide_appeal(*, by, measure, accept: bool, remarks: str) -> Measure:
    """Accepted: the record is revoked (it no longer counts); rejected: it stands. Either
    way with a reason, told to the person."""
    measure = _lock(measure)
    if measure.status != MeasureStatus.APPEALED:
        raise ValidationError(_("只有申诉处理中的记录可以处理申诉。"), code="invalid_state")
    if not selectors.may_decide_appeal(by, measure):
        raise PermissionDenied
    remarks = _text("remarks", remarks, _("请写明处理意见。"))
    before = measure.status
    measure.appeal_outcome = AppealOutcome.ACCEPTED if accept else AppealOutcome.REJECTED
    measure.status = MeasureStatus.REVOKED if accept else MeasureStatus.APPROVED
    measure.appeal_remarks = remarks
    measure.appeal_decided_by, measure.appeal_decided_at = by, timezone.now()
    measure.save()
    kind = EventKind.APPEAL_ACCEPTED if accept else EventKind.APPEAL_REJECTED
    _record(measure, kind, by, remarks, before=before)
    text = Msg(
        gettext_noop("您的申诉已有答复:%(name)s,%(outcome)s。"),
        name=_name(measure),
        outcome=label(AppealOutcome(measure.appeal_outcome).label),
    )
    _send([measure.staff.user], measure, text, "ad", email=True)
    return measure
