"""/api/v1/supervision: the supervision group (SUP-1, MGT-2) — members, checklists, plans,
inspections (score, close, answer, replace, calibrate), calibrations and the figures.

Rules as on the pages (supervision.access): an inspection the caller may not see is a 404;
an action the caller may not take is a 403; bad input is a 422 naming the field. Item
scores and comments are in an inspection only for those who may see it (never executives,
who have the figures); while a calibration runs its scores are hidden from the other side.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.accounts.choices import Post
from wuyedesk.api.schemas import MAX_ID, Day, ErrorOut, Id, Text, Title
from wuyedesk.supervision import access, selectors
from wuyedesk.supervision.choices import Kind, Result
from wuyedesk.supervision.choices import Status as InspectionStatus
from wuyedesk.supervision.models import GroupMember
from wuyedesk.supervision.services import calibration, group, inspections, sampling
from wuyedesk.telephony.selectors import calls_visible_to
from wuyedesk.tickets.selectors import tickets_visible_to

router = Router(tags=["supervision"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

KindName = Literal[tuple(Kind.values)]
PostName = Literal[tuple(Post.values)]


def _name(user):
    if user is None:
        return None
    staff = getattr(user, "staff", None)
    return staff.name if staff else user.get_username()


def _iso(value):
    return value.isoformat() if value else None


class MemberOut(Schema):
    id: int
    user_id: int
    name: str
    remit: str
    appointed_at: str
    appointed_by: str

    @staticmethod
    def resolve_name(obj):
        return _name(obj.user)

    @staticmethod
    def resolve_appointed_at(obj):
        return obj.appointed_at.isoformat()

    @staticmethod
    def resolve_appointed_by(obj):
        return _name(obj.appointed_by)


class MemberIn(Schema):
    user: Id = Field(description="the user id of a holder of the supervisor post")
    remit: Text


class ChecklistItemIn(Schema):
    code: str = Field(max_length=20)
    text: str = Field(max_length=200)
    weight: int = Field(ge=1, le=100)
    critical: bool = False
    guidance: str = Field("", max_length=2000)


class ChecklistItemOut(ChecklistItemIn):
    id: int


class ChecklistIn(Schema):
    post: PostName
    title: Title
    note: str = Field("", max_length=200)
    items: list[ChecklistItemIn] = Field(max_length=50)


class ChecklistOut(Schema):
    id: int
    post: str
    version: int
    title: str
    note: str
    items: list[ChecklistItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class InspectionPlanIn(Schema):
    month: Day = Field(description="any day of the month")
    tickets_per_person: int = Field(ge=0, le=50)
    calls_per_person: int = Field(ge=0, le=50)
    seed: int | None = Field(None, ge=0, le=2**62)
    people: list[Id] = Field(default_factory=list, max_length=1000, description="user ids")


class InspectionPlanOut(Schema):
    id: int
    month: str
    seed: int
    tickets_per_person: int
    calls_per_person: int
    status: str
    progress_done: int
    progress_total: int
    skipped: int

    @staticmethod
    def resolve_month(obj):
        return obj.month.strftime("%Y-%m")


class ScoreOut(Schema):
    item_id: int
    code: str
    result: str
    points: float
    evidence: str
    comment: str

    @staticmethod
    def resolve_code(obj):
        return obj.item.code


class InspectionOut(Schema):
    id: int
    kind: str
    status: str
    plan_id: int | None
    inspected_id: int
    inspected: str
    inspector_id: int | None
    checklist_id: int | None
    ticket_id: int | None
    call_id: int | None
    script: str
    planned_for: str | None
    due: str
    deadline_met: int | None
    deadline_total: int | None
    score: float | None
    critical_fail: bool
    repeated: bool
    replace_reason: str
    answer: str
    closed_at: str | None

    @staticmethod
    def resolve_inspected(obj):
        return _name(obj.inspected)

    @staticmethod
    def resolve_planned_for(obj):
        return _iso(obj.planned_for)

    @staticmethod
    def resolve_due(obj):
        return obj.due.isoformat()

    @staticmethod
    def resolve_score(obj):
        return float(obj.score) if obj.score is not None and obj.status == "closed" else None

    @staticmethod
    def resolve_closed_at(obj):
        return _iso(obj.closed_at)


class InspectionDetail(InspectionOut):
    blind: bool
    comment: str
    scores: list[ScoreOut]
    findings: list[dict]


class InspectionIn(Schema):
    kind: KindName
    person: Id = Field(description="the user id of the person inspected")
    ticket: Id | None = None
    call: Id | None = None
    script: str = Field("", max_length=5000)
    planned_for: Day | None = None
    period_start: Day | None = None
    period_end: Day | None = None


class ScoreIn(Schema):
    item: Id
    result: Literal[tuple(Result.values)]
    points: float | None = Field(None, ge=0, le=100)
    evidence: str = Field("", max_length=5000)
    comment: str = Field("", max_length=5000)


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(max_length=50)
    comment: str | None = Field(None, max_length=5000)


class InspectionCloseIn(Schema):
    due: Day | None = None
    owner: Id | None = Field(None, description="user id; default the person inspected")


class TextIn(Schema):
    text: Text


class SupervisionReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class CalibrateIn(Schema):
    second: Id = Field(description="the user id of the second supervisor")


class CalibrationOut(Schema):
    id: int
    first_id: int
    second_id: int
    divergence: float | None
    flagged: bool
    compared_at: str | None
    discussion: str

    @staticmethod
    def resolve_compared_at(obj):
        return _iso(obj.compared_at)


class Figures(Schema):
    start: str
    end: str
    count: int
    mean_score: float | None
    critical_fails: int
    calibrated_pairs: int
    calibration_rate: float | None


class InspectionPage(Schema):
    items: list[InspectionOut]
    next_cursor: int | None = None


class InspectionFilters(Schema):
    status: Literal[tuple(InspectionStatus.values)] | None = None
    kind: KindName | None = None
    due: Literal["period"] | None = None
    mine: bool = False
    person: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


def _staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied
    return request.auth


def _user(queryset, pk, field):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError(
            {field: ValidationError(_("找不到该员工,或不在您的范围内。"), code="invalid_choice")}
        )
    return found


def _detail(user, pk):
    inspection = selectors.inspection_get_for_user(user, pk)
    blind = access.blind_for(user, inspection)
    inspection.blind = blind
    inspection.scores_out = [] if blind else list(inspection.scores.select_related("item"))
    inspection.findings_out = [
        {
            "item": f.code,
            "improvement_id": f.improvement_id,
            "repeated": f.repeated,
        }
        for f in inspection.findings.all()
    ]
    return inspection


class _Detail(InspectionDetail):
    @staticmethod
    def resolve_scores(obj):
        return obj.scores_out

    @staticmethod
    def resolve_findings(obj):
        return obj.findings_out

    @staticmethod
    def resolve_comment(obj):
        return "" if obj.blind else obj.comment


@router.get("/figures", response={200: Figures, **ERRORS}, operation_id="supervision_figures")
def figures(request, start: dt.date | None = None, end: dt.date | None = None):
    """Count, mean score, critical fails and calibration rate of the inspections closed in
    the period (default this month) in the caller's scope; executives: the company's."""
    user = _staff(request)
    first, last = selectors.this_month()
    start, end = start or first, end or last
    if end < start:
        raise ValidationError({"end": ValidationError(_("结束不能早于开始。"), code="invalid")})
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        **selectors.inspection_figures(user, start, end),
    }


@router.get(
    "/members", response={200: list[MemberOut], **ERRORS}, operation_id="supervision_members"
)
def member_list(request):
    _staff(request)
    return list(selectors.members())


@router.post("/members", response={201: MemberOut, **ERRORS}, operation_id="supervision_appoint")
def member_appoint(request, payload: MemberIn):
    """Appoint a supervisor to the group (manager, executive)."""
    user = _staff(request)
    if not access.may_appoint(user):
        raise PermissionDenied
    person = _user(access.staff_users(), payload.user, "user")
    return Status(201, group.member_appoint(by=user, user=person, remit=payload.remit))


@router.post(
    "/members/{pk}/end", response={200: MemberOut, **ERRORS}, operation_id="supervision_member_end"
)
def member_end(request, pk: int):
    user = _staff(request)
    if not access.may_appoint(user):
        raise PermissionDenied
    member = get_object_or_404(GroupMember, pk=pk)
    return group.member_end(by=user, member=member)


@router.get(
    "/checklists",
    response={200: list[ChecklistOut], **ERRORS},
    operation_id="supervision_checklists",
)
def checklist_list(request):
    _staff(request)
    return list(selectors.checklists())


@router.post(
    "/checklists", response={201: ChecklistOut, **ERRORS}, operation_id="supervision_checklist_save"
)
def checklist_save(request, payload: ChecklistIn):
    """A new version of the post's checklist (managers, executives, the group's members)."""
    user = _staff(request)
    checklist = group.checklist_save(
        by=user,
        post=payload.post,
        title=payload.title,
        note=payload.note,
        items=[i.model_dump() for i in payload.items],
    )
    return Status(201, checklist)


@router.get(
    "/checklists/{pk}", response={200: ChecklistOut, **ERRORS}, operation_id="supervision_checklist"
)
def checklist_get(request, pk: int):
    _staff(request)
    return get_object_or_404(selectors.checklists(), pk=pk)


@router.get(
    "/plans", response={200: list[InspectionPlanOut], **ERRORS}, operation_id="supervision_plans"
)
def plan_list(request):
    user = _staff(request)
    if not (access.may_plan(user) or access.is_member(user)):
        raise PermissionDenied
    return list(selectors.plans_visible_to(user)[:100])


@router.post(
    "/plans", response={202: InspectionPlanOut, **ERRORS}, operation_id="supervision_plan_create"
)
def plan_create(request, payload: InspectionPlanIn):
    """A month's plan, sampled by the worker (poll GET /plans/{id} for its progress)."""
    user = _staff(request)
    if not access.may_plan(user):
        raise PermissionDenied
    people = [_user(access.people_in_scope(user), pk, "people") for pk in payload.people]
    plan = sampling.plan_create(
        by=user,
        month=payload.month,
        tickets_per_person=payload.tickets_per_person,
        calls_per_person=payload.calls_per_person,
        people=people,
        seed=payload.seed,
    )
    sampling.plan_request_sample(by=user, plan=plan)
    return Status(202, plan)


@router.get(
    "/plans/{pk}", response={200: InspectionPlanOut, **ERRORS}, operation_id="supervision_plan"
)
def plan_get(request, pk: int):
    user = _staff(request)
    return get_object_or_404(selectors.plans_visible_to(user), pk=pk)


@router.get(
    "/inspections", response={200: InspectionPage, **ERRORS}, operation_id="supervision_inspections"
)
def inspection_list(request, filters: Query[InspectionFilters]):
    """Inspections the caller may see, newest first, keyset-paginated."""
    user = _staff(request)
    f = filters
    qs = selectors.filter_inspections(
        selectors.inspections_visible_to(user),
        user=user,
        due_period=f.due == "period",
        mine=f.mine,
        person=f.person,
        status=f.status or "",
        kind=f.kind or "",
    ).order_by("-id")
    if f.cursor is not None:
        qs = qs.filter(id__lt=f.cursor)
    rows = list(qs[: f.limit + 1])
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return {"items": rows, "next_cursor": rows[-1].id if more else None}


@router.post(
    "/inspections", response={201: _Detail, **ERRORS}, operation_id="supervision_inspection_create"
)
def inspection_create(request, payload: InspectionIn):
    user = _staff(request)
    if not access.is_inspector(user):
        raise PermissionDenied
    p = payload
    person = _user(access.people_in_scope(user), p.person, "person")
    ticket = tickets_visible_to(user).filter(pk=p.ticket).first() if p.ticket else None
    call = calls_visible_to(user).filter(pk=p.call).first() if p.call else None
    inspection = inspections.inspection_create(
        by=user,
        kind=p.kind,
        person=person,
        ticket=ticket,
        call=call,
        script=p.script,
        planned_for=p.planned_for,
        period_start=p.period_start,
        period_end=p.period_end,
    )
    return Status(201, _detail(user, inspection.pk))


@router.get(
    "/inspections/{pk}", response={200: _Detail, **ERRORS}, operation_id="supervision_inspection"
)
def inspection_get(request, pk: int):
    return _detail(_staff(request), pk)


@router.put(
    "/inspections/{pk}/scores", response={200: _Detail, **ERRORS}, operation_id="supervision_scores"
)
def inspection_scores(request, pk: int, payload: ScoresIn):
    """Record item scores (pass/fail, points, evidence, comment)."""
    user = _staff(request)
    inspection = selectors.inspection_get_for_user(user, pk)
    inspections.score_save(
        by=user,
        inspection=inspection,
        scores=[s.model_dump() for s in payload.scores],
        comment=payload.comment,
    )
    return _detail(user, pk)


@router.post(
    "/inspections/{pk}/close", response={200: _Detail, **ERRORS}, operation_id="supervision_close"
)
def inspection_close(request, pk: int, payload: InspectionCloseIn):
    """Close: the score is computed; each failed item becomes a rectification."""
    user = _staff(request)
    inspection = selectors.inspection_get_for_user(user, pk)
    owner = _user(access.staff_users(), payload.owner, "owner")
    inspections.inspection_close(by=user, inspection=inspection, due=payload.due, owner=owner)
    return _detail(user, pk)


@router.post(
    "/inspections/{pk}/answer", response={200: _Detail, **ERRORS}, operation_id="supervision_answer"
)
def inspection_answer(request, pk: int, payload: TextIn):
    """The person inspected answers a closed inspection."""
    user = _staff(request)
    inspection = selectors.inspection_get_for_user(user, pk)
    inspections.inspection_answer(by=user, inspection=inspection, text=payload.text)
    return _detail(user, pk)


@router.post(
    "/inspections/{pk}/replace",
    response={201: _Detail, **ERRORS},
    operation_id="supervision_replace",
)
def inspection_replace(request, pk: int, payload: SupervisionReasonIn):
    """Replace a sampled item by the next of the seeded order, with the reason."""
    user = _staff(request)
    inspection = selectors.inspection_get_for_user(user, pk)
    replacement = sampling.inspection_replace(by=user, inspection=inspection, reason=payload.reason)
    return Status(201, _detail(user, replacement.pk))


@router.post(
    "/inspections/{pk}/calibrate",
    response={201: CalibrationOut, **ERRORS},
    operation_id="supervision_calibrate",
)
def inspection_calibrate(request, pk: int, payload: CalibrateIn):
    """A blind second scoring of the same sampled item by another supervisor."""
    user = _staff(request)
    inspection = selectors.inspection_get_for_user(user, pk)
    second = _user(access.staff_users(), payload.second, "second")
    return Status(
        201, calibration.calibration_create(by=user, inspection=inspection, second=second)
    )


@router.get(
    "/calibrations",
    response={200: list[CalibrationOut], **ERRORS},
    operation_id="supervision_calibrations",
)
def calibration_list(request, open: bool = False):
    user = _staff(request)
    return list(selectors.calibrations_of(user, open_only=open).order_by("-id")[:200])


@router.post(
    "/calibrations/{pk}/discuss",
    response={200: CalibrationOut, **ERRORS},
    operation_id="supervision_discuss",
)
def calibration_discuss(request, pk: int, payload: TextIn):
    user = _staff(request)
    pair = get_object_or_404(selectors.calibrations_of(user), pk=pk)
    return calibration.calibration_discuss(by=user, calibration=pair, text=payload.text)
