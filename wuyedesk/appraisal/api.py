"""/api/v1/appraisal: the quarterly appraisal (MGT-6, MGT-9, SUP-2) — cycles (open now, the
computation's progress), appraisals with every record behind each score, the
self-assessment, the manager's review, publishing, reopening, disputes and their answers.

Rules as on the pages (appraisal.access): an appraisal the caller may not see is a 404;
before publishing the person gets their appraisal without scores or records; an action the
caller may not take is a 403; bad input is a 422 naming the field.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.api.schemas import ErrorOut, Id
from wuyedesk.appraisal import access, selectors
from wuyedesk.appraisal.models import Dispute
from wuyedesk.appraisal.services import cycles, workflow

router = Router(tags=["appraisal"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
TextField = Field(max_length=2000)


def _iso(value):
    return value.isoformat() if value else None


class AppraisalCycleOut(Schema):
    id: int
    year: int
    quarter: int
    start: str
    end: str
    weights: dict[str, int]
    status: str
    progress_done: int
    progress_total: int
    opened_at: str
    computed_at: str | None

    @staticmethod
    def resolve_start(obj):
        return obj.start.isoformat()

    @staticmethod
    def resolve_end(obj):
        return obj.end.isoformat()

    @staticmethod
    def resolve_opened_at(obj):
        return obj.opened_at.isoformat()

    @staticmethod
    def resolve_computed_at(obj):
        return _iso(obj.computed_at)


class AppraisalCycleIn(Schema):
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)


class AppraisalItemOut(Schema):
    id: int
    criterion: str
    component: str
    ref_id: int | None
    label: str
    at: str | None
    value: float
    detail: str
    count: int
    refs: list
    excluded: bool
    adjusted: float | None
    link: str


class AppraisalDisputeOut(Schema):
    id: int
    appraisal_id: int
    item_id: int | None
    ref_id: int | None
    ref_label: str
    comment: str
    status: str
    answer: str
    adjusted: float | None
    created_at: str
    answered_at: str | None

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_answered_at(obj):
        return _iso(obj.answered_at)


class AppraisalChangeOut(Schema):
    event: str
    by_id: int | None
    at: str
    before: float | None
    after: float | None
    reason: str


class AppraisalOut(Schema):
    id: int
    cycle_id: int
    person_id: int
    name: str
    status: str
    visible: bool
    total: float | None
    band: str
    scores: dict
    parts: dict
    weights: dict
    self_assessment: str
    manager_rating: int | None
    manager_reason: str
    review_comment: str
    published_at: str | None
    dispute_until: str | None


class AppraisalDetailOut(AppraisalOut):
    items: list[AppraisalItemOut]
    disputes: list[AppraisalDisputeOut]
    history: list[AppraisalChangeOut]


class AppraisalSelfIn(Schema):
    text: str = TextField


class AppraisalReviewIn(Schema):
    rating: int = Field(ge=0, le=100)
    reason: str = TextField
    comment: str = Field("", max_length=2000)


class AppraisalReasonIn(Schema):
    reason: str = TextField


class AppraisalDisputeIn(Schema):
    item: Id | None = Field(None, description="the id of the record contested; none: the whole")
    ref: Id | None = Field(None, description="one of the records a row stands for (its refs)")
    comment: str = TextField


class AppraisalAnswerIn(Schema):
    decision: Literal["accepted", "partly", "rejected"]
    answer: str = TextField
    adjusted: float | None = Field(None, ge=-100, le=100, description="partly: the new value")


def _staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied
    return request.auth


def _num(value):
    return None if value is None else float(value)


def _out(user, appraisal, *, full=False) -> dict:
    visible = access.contents_visible(user, appraisal)
    data = {
        "id": appraisal.pk,
        "cycle_id": appraisal.cycle_id,
        "person_id": appraisal.person_id,
        "name": appraisal.person.staff.name,
        "status": appraisal.status,
        "visible": visible,
        "total": _num(appraisal.total) if visible else None,
        "band": appraisal.band if visible else "",
        "scores": appraisal.scores if visible else {},
        "parts": appraisal.parts if visible else {},
        "weights": appraisal.cycle.weights,
        "self_assessment": appraisal.self_assessment,
        "manager_rating": appraisal.manager_rating if visible else None,
        "manager_reason": appraisal.manager_reason if visible else "",
        "review_comment": appraisal.review_comment if visible else "",
        "published_at": _iso(appraisal.published_at),
        "dispute_until": _iso(appraisal.dispute_until),
    }
    if full:
        page = selectors.detail(user, appraisal)
        data["items"] = [
            {
                "id": i.pk,
                "criterion": i.criterion,
                "component": i.component,
                "ref_id": i.ref_id,
                "label": i.label,
                "at": _iso(i.at),
                "value": float(i.value),
                "detail": i.detail,
                "count": i.count,
                "refs": i.refs,
                "excluded": i.excluded,
                "adjusted": _num(i.adjusted),
                "link": i.link,
            }
            for c in page["criteria"]
            for p in c["parts"]
            for i in p["items"]
        ]
        data["disputes"] = page["disputes"]
        data["history"] = [
            {
                "event": h.event,
                "by_id": h.by_id,
                "at": h.at.isoformat(),
                "before": _num(h.before),
                "after": _num(h.after),
                "reason": h.reason,
            }
            for h in page["changes"]
        ]
    return data


def _appraisal(user, pk):
    return selectors.appraisal_get_for_user(user, pk)


@router.get(
    "/cycles", response={200: list[AppraisalCycleOut], **ERRORS}, operation_id="appraisal_cycles"
)
def cycle_list(request):
    user = _staff(request)
    if not access.is_reviewer(user):
        raise PermissionDenied
    return list(selectors.cycles_visible_to(user)[:40])


@router.post(
    "/cycles", response={202: AppraisalCycleOut, **ERRORS}, operation_id="appraisal_cycle_open"
)
def cycle_open(request, payload: AppraisalCycleIn):
    """Open a quarter's cycle now (the worker opens each ended quarter by itself); it is
    computed by the worker: poll GET /cycles/{id} for its progress."""
    user = _staff(request)
    return Status(202, cycles.cycle_open(by=user, year=payload.year, quarter=payload.quarter))


@router.get(
    "/cycles/{pk}", response={200: AppraisalCycleOut, **ERRORS}, operation_id="appraisal_cycle"
)
def cycle_get(request, pk: int):
    user = _staff(request)
    return get_object_or_404(selectors.cycles_visible_to(user), pk=pk)


@router.get(
    "/cycles/{pk}/appraisals",
    response={200: list[AppraisalOut], **ERRORS},
    operation_id="appraisal_cycle_appraisals",
)
def cycle_appraisals(request, pk: int):
    """The cycle's appraisals the caller reviews."""
    user = _staff(request)
    cycle = get_object_or_404(selectors.cycles_visible_to(user), pk=pk)
    rows = selectors.reviewed_in(user, cycle).select_related("cycle")
    return [_out(user, a) for a in rows[:1000]]


@router.get("/mine", response={200: list[AppraisalOut], **ERRORS}, operation_id="appraisal_mine")
def mine(request):
    user = _staff(request)
    return [_out(user, a) for a in selectors.mine(user)[:40]]


@router.get(
    "/appraisals/{pk}",
    response={200: AppraisalDetailOut, **ERRORS},
    operation_id="appraisal_get",
)
def appraisal_get(request, pk: int):
    """The appraisal with every record behind each score (once visible to the caller), its
    disputes and history."""
    user = _staff(request)
    return _out(user, _appraisal(user, pk), full=True)


def _step(request, pk, run):
    user = _staff(request)
    appraisal = _appraisal(user, pk)
    run(user, appraisal)
    return _out(user, _appraisal(user, pk), full=True)


@router.post(
    "/appraisals/{pk}/self-assessment",
    response={200: AppraisalDetailOut, **ERRORS},
    operation_id="appraisal_self",
)
def appraisal_self(request, pk: int, payload: AppraisalSelfIn):
    return _step(
        request,
        pk,
        lambda user, a: workflow.self_assess(by=user, appraisal=a, text=payload.text),
    )


@router.post(
    "/appraisals/{pk}/review",
    response={200: AppraisalDetailOut, **ERRORS},
    operation_id="appraisal_review",
)
def appraisal_review(request, pk: int, payload: AppraisalReviewIn):
    """The manager's rating of attitude (0–100) with its reason, and the review comment."""
    return _step(
        request,
        pk,
        lambda user, a: workflow.review(
            by=user,
            appraisal=a,
            rating=payload.rating,
            reason=payload.reason,
            comment=payload.comment,
        ),
    )


@router.post(
    "/appraisals/{pk}/publish",
    response={200: AppraisalDetailOut, **ERRORS},
    operation_id="appraisal_publish",
)
def appraisal_publish(request, pk: int):
    return _step(request, pk, lambda user, a: workflow.publish(by=user, appraisal=a))


@router.post(
    "/appraisals/{pk}/reopen",
    response={200: AppraisalDetailOut, **ERRORS},
    operation_id="appraisal_reopen",
)
def appraisal_reopen(request, pk: int, payload: AppraisalReasonIn):
    return _step(
        request,
        pk,
        lambda user, a: workflow.reopen(by=user, appraisal=a, reason=payload.reason),
    )


@router.post(
    "/appraisals/{pk}/disputes",
    response={201: AppraisalDisputeOut, **ERRORS},
    operation_id="appraisal_dispute",
)
def dispute_open(request, pk: int, payload: AppraisalDisputeIn):
    """The person contests one record (or the whole) within the dispute window."""
    user = _staff(request)
    appraisal = _appraisal(user, pk)
    item = None
    if payload.item is not None:
        item = appraisal.items.filter(pk=payload.item).first()
        if item is None:
            raise ValidationError(
                {"item": ValidationError(_("该记录不属于这份考核。"), code="invalid_choice")}
            )
    dispute = workflow.dispute_open(
        by=user,
        appraisal=appraisal,
        item=item,
        comment=payload.comment,
        ref=payload.ref if item is not None else None,
    )
    return Status(201, dispute)


@router.get(
    "/disputes",
    response={200: list[AppraisalDisputeOut], **ERRORS},
    operation_id="appraisal_disputes",
)
def dispute_list(request):
    """The open disputes the caller answers."""
    user = _staff(request)
    return list(selectors.open_disputes(user)[:200])


@router.post(
    "/disputes/{pk}/answer",
    response={200: AppraisalDisputeOut, **ERRORS},
    operation_id="appraisal_dispute_answer",
)
def dispute_answer(request, pk: int, payload: AppraisalAnswerIn):
    """Accept (the record no longer counts), partly accept (it counts with `adjusted`) or
    reject, with the reason; the scores are computed again."""
    user = _staff(request)
    dispute = get_object_or_404(
        Dispute.objects.filter(appraisal__in=selectors.appraisals_visible_to(user)), pk=pk
    )
    return workflow.dispute_answer(
        by=user,
        dispute=dispute,
        decision=payload.decision,
        answer=payload.answer,
        adjusted=payload.adjusted,
    )
