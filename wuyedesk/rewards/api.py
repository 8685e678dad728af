"""/api/v1/rewards (MGT-7, MGT-8): the same services as the pages. A record the caller may
not see is a 404, a step the caller may not take a 403, bad input a 422 naming the field."""

from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.api.schemas import ErrorOut, Id, Text
from wuyedesk.rewards import selectors, services
from wuyedesk.rewards.choices import MeasureKind, MeasureStatus
from wuyedesk.rewards.from_appraisal import cycles_for, propose_from_appraisal
from wuyedesk.supervision.selectors import inspections_visible_to
from wuyedesk.tickets.selectors import tickets_visible_to

router = Router(tags=["rewards"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _iso(value):
    return value.isoformat() if value else None


class RewardOut(Schema):
    id: int
    staff_id: int
    staff_name: str
    kind: str
    kind_label: str
    amount: Decimal | None
    status: str
    status_label: str
    source: str
    proposed_at: str
    effective_at: str | None
    appeal_until: str | None
    appeal_outcome: str

    @staticmethod
    def resolve_staff_name(obj):
        return obj.staff.name

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_proposed_at(obj):
        return obj.proposed_at.isoformat()

    @staticmethod
    def resolve_effective_at(obj):
        return _iso(obj.effective_at)

    @staticmethod
    def resolve_appeal_until(obj):
        return _iso(obj.appeal_until)


class RewardEventOut(Schema):
    kind: str
    label: str
    by: str
    at: str
    text: str

    @staticmethod
    def resolve_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_by(obj):
        staff = getattr(obj.by, "staff", None) if obj.by_id else None
        return staff.name if staff else ""

    @staticmethod
    def resolve_at(obj):
        return obj.at.isoformat()


class RewardDetailOut(RewardOut):
    facts: str
    reason: str
    ticket_id: int | None
    complaint_id: int | None
    inspection_id: int | None
    appraisal_score: Decimal | None
    decided_remarks: str
    appeal_reason: str
    appeal_remarks: str
    events: list[RewardEventOut]

    @staticmethod
    def resolve_events(obj):
        return list(selectors.events_of(obj))


class RewardIn(Schema):
    staff: Id = Field(description="staff id")
    kind: Literal[tuple(MeasureKind.values)]
    amount: Decimal | None = Field(None, description="bonus only, in yuan", ge=0, le=99999999)
    facts: Text
    reason: Text
    ticket: Id | None = Field(None, description="ticket id")
    complaint: Id | None = Field(None, description="ticket id of a complaint")
    inspection: Id | None = Field(None, description="inspection id")


class RewardDecisionIn(Schema):
    remarks: Text = ""


class RewardAppealIn(Schema):
    reason: Text


class RewardAppealDecisionIn(Schema):
    outcome: Literal["accepted", "rejected"]
    remarks: Text


class RewardFilters(Schema):
    status: Literal[tuple(MeasureStatus.values)] | None = None
    kind: Literal[tuple(MeasureKind.values)] | None = None
    staff: Id | None = None
    waiting: bool = Field(False, description="waiting for the caller's decision")
    mine: Literal[selectors.MINE] | None = Field(
        None, description="decided: decisions about the caller; answered: appeals answered"
    )


def _user(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied
    return request.auth


def _pick(qs, pk, field, message):
    if pk is None:
        return None
    found = qs.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: ValidationError(message, code="invalid_choice")})
    return found


@router.get("", response={200: list[RewardOut], **ERRORS}, operation_id="reward_list")
def reward_list(request, filters: Query[RewardFilters]):
    """The records the caller may see (their own; a manager's department; executives all),
    newest first (200)."""
    user = _user(request)
    qs = selectors.filter_measures(
        selectors.measures_visible_to(user),
        user,
        status=filters.status or "",
        kind=filters.kind or "",
        staff=filters.staff,
        waiting=filters.waiting,
        mine=filters.mine or "",
    )
    return list(qs[:200])


@router.post("", response={201: RewardDetailOut, **ERRORS}, operation_id="reward_propose")
def reward_propose(request, payload: RewardIn):
    """The manager proposes a reward or penalty for a person of their department."""
    user = _user(request)
    if not selectors.may_propose(user):
        raise PermissionDenied
    missing = _("找不到该员工,或不在您的权限范围内。")
    staff = _pick(selectors.reach_of(user), payload.staff, "staff", missing)
    measure = services.measure_propose(
        by=user,
        staff=staff,
        kind=payload.kind,
        amount=payload.amount,
        facts=payload.facts,
        reason=payload.reason,
        ticket=_pick(
            tickets_visible_to(user),
            payload.ticket,
            "ticket",
            _("找不到该工单,或不在您的权限范围内。"),
        ),
        complaint=_pick(
            tickets_visible_to(user),
            payload.complaint,
            "complaint",
            _("找不到该投诉,或不在您的权限范围内。"),
        ),
        inspection=_pick(
            inspections_visible_to(user),
            payload.inspection,
            "inspection",
            _("找不到该检查,或不在您的权限范围内。"),
        ),
    )
    return Status(201, measure)


class RewardFromAppraisalIn(Schema):
    cycle: Id = Field(description="appraisal cycle id")


@router.post(
    "/from-appraisal",
    response={200: list[RewardOut], **ERRORS},
    operation_id="reward_from_appraisal",
)
def reward_from_appraisal(request, payload: RewardFromAppraisalIn):
    """The proposals of a published appraisal cycle (excellent: commendation; fail:
    warning, as the cycle's regulation version says); only those not proposed yet."""
    user = _user(request)
    if not selectors.may_propose(user):
        raise PermissionDenied
    cycle = _pick(
        cycles_for(user), payload.cycle, "cycle", _("找不到该考核周期,或不在您的权限范围内。")
    )
    return propose_from_appraisal(by=user, cycle=cycle)


@router.get("/{pk}", response={200: RewardDetailOut, **ERRORS}, operation_id="reward_get")
def reward_get(request, pk: int):
    return selectors.measure_get_for_user(_user(request), pk)


@router.post(
    "/{pk}/approve", response={200: RewardDetailOut, **ERRORS}, operation_id="reward_approve"
)
def reward_approve(request, pk: int, payload: RewardDecisionIn):
    """The manager's approval, or the executive's second one (bonus, demotion, dismissal)."""
    user = _user(request)
    measure = selectors.measure_get_for_user(user, pk)
    if measure.status == MeasureStatus.EXECUTIVE:
        return services.measure_approve_as_executive(
            by=user, measure=measure, remarks=payload.remarks
        )
    return services.measure_approve(by=user, measure=measure, remarks=payload.remarks)


@router.post(
    "/{pk}/reject", response={200: RewardDetailOut, **ERRORS}, operation_id="reward_reject"
)
def reward_reject(request, pk: int, payload: RewardDecisionIn):
    """Not approved, with a reason."""
    user = _user(request)
    measure = selectors.measure_get_for_user(user, pk)
    return services.measure_reject(by=user, measure=measure, remarks=payload.remarks)


@router.post(
    "/{pk}/appeal", response={200: RewardDetailOut, **ERRORS}, operation_id="reward_appeal"
)
def reward_appeal(request, pk: int, payload: RewardAppealIn):
    """The person appeals a penalty about them within the window."""
    user = _user(request)
    measure = selectors.measure_get_for_user(user, pk)
    return services.measure_appeal(by=user, measure=measure, reason=payload.reason)


@router.post(
    "/{pk}/appeal-decision",
    response={200: RewardDetailOut, **ERRORS},
    operation_id="reward_appeal_decision",
)
def reward_appeal_decision(request, pk: int, payload: RewardAppealDecisionIn):
    user = _user(request)
    measure = selectors.measure_get_for_user(user, pk)
    return services.measure_decide_appeal(
        by=user, measure=measure, accept=payload.outcome == "accepted", remarks=payload.remarks
    )
