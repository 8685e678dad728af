"""/api/v1/workplans (MGR-1) and /api/v1/workreports (AST-2).

The same services as the pages: a plan or report outside the caller's scope is a 404, an
action the caller's post may not take a 403, bad input a 422 naming the field.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wuyedesk.accounts.selectors import active_staff
from wuyedesk.api.schemas import Day, ErrorOut, Id, Text, Title
from wuyedesk.properties.selectors import communities_visible_to
from wuyedesk.workplans import figures, selectors
from wuyedesk.workplans.choices import (
    SECTIONS,
    Cadence,
    Comparison,
    PlanPeriod,
    PlanStatus,
    ReportStatus,
)
from wuyedesk.workplans.models import Initiative
from wuyedesk.workplans.services import plans as plan_services
from wuyedesk.workplans.services import reports as report_services

router = Router(tags=["workplans"])
report_router = Router(tags=["workreports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}

MetricName = Literal[tuple(figures.METRICS)]
SectionName = Literal[tuple(SECTIONS)]


def _community(user, pk):
    if pk is None:
        return None
    found = communities_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise ValidationError(
            {
                "community": ValidationError(
                    _("找不到该小区,或不在您的权限范围内。"), code="invalid_choice"
                )
            }
        )
    return found


class WorkPlanOut(Schema):
    id: int
    title: str
    period: str
    start: str
    end: str
    community_id: int | None
    status: str
    notes: str

    @staticmethod
    def resolve_start(obj):
        return obj.start.isoformat()

    @staticmethod
    def resolve_end(obj):
        return obj.end.isoformat()


class TargetOut(Schema):
    id: int
    metric: str
    label: str
    unit: str
    comparison: str
    target: float
    actual: float | None
    light: Literal["green", "amber", "red", "none"]
    link: str


class InitiativeOut(Schema):
    id: int
    text: str
    owner_staff_id: int | None
    owner: str
    due: str
    done_at: str | None

    @staticmethod
    def resolve_owner_staff_id(obj):
        staff = getattr(obj.owner, "staff", None)
        return staff.pk if staff else None

    @staticmethod
    def resolve_owner(obj):
        staff = getattr(obj.owner, "staff", None)
        return staff.name if staff else ""

    @staticmethod
    def resolve_due(obj):
        return obj.due.isoformat()

    @staticmethod
    def resolve_done_at(obj):
        return obj.done_at.isoformat() if obj.done_at else None


class PlanDetailOut(WorkPlanOut):
    targets: list[TargetOut]
    initiatives: list[InitiativeOut]

    @staticmethod
    def resolve_targets(obj):
        return obj.target_rows

    @staticmethod
    def resolve_initiatives(obj):
        return obj.initiative_rows


class WorkPlanIn(Schema):
    title: Title
    period: Literal[tuple(PlanPeriod.values)]
    day: Day = Field(description="any day of the month, quarter or year")
    community: Id | None = Field(None, description="none: the whole company")
    notes: Text = ""


class TargetIn(Schema):
    metric: MetricName
    value: float = Field(ge=0, le=1000)
    comparison: Literal[tuple(Comparison.values)] | None = None


class InitiativeIn(Schema):
    text: Text
    owner: Id = Field(description="staff id")
    due: Day


class PlanFilters(Schema):
    status: Literal[tuple(PlanStatus.values)] | None = None


def _reader(request):
    if not selectors.may_read_plans(request.auth):
        raise PermissionDenied
    return request.auth


def _plan_detail(user, plan):
    plan.target_rows = figures.target_rows(user, plan)
    plan.initiative_rows = list(selectors.initiatives_of(plan))
    return plan


@router.get("", response={200: list[WorkPlanOut], **ERRORS}, operation_id="workplan_list")
def plan_list(request, filters: Query[PlanFilters]):
    """The plans the caller may read, newest period first (at most 100)."""
    qs = selectors.plans_visible_to(_reader(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return list(qs[:100])


@router.post("", response={201: PlanDetailOut, **ERRORS}, operation_id="workplan_create")
def plan_create(request, payload: WorkPlanIn):
    """A draft plan of the month, quarter or year holding `day` (manager, assistant)."""
    user = _reader(request)
    plan = plan_services.plan_create(
        by=user,
        title=payload.title,
        period=payload.period,
        day=payload.day,
        community=_community(user, payload.community),
        notes=payload.notes,
    )
    return Status(201, _plan_detail(user, plan))


@router.get("/{pk}", response={200: PlanDetailOut, **ERRORS}, operation_id="workplan_get")
def plan_get(request, pk: int):
    """The plan, each target against its actual over the period so far, and the initiatives."""
    user = _reader(request)
    return _plan_detail(user, selectors.plan_get_for_user(user, pk))


@router.post(
    "/{pk}/targets", response={200: PlanDetailOut, **ERRORS}, operation_id="workplan_target_set"
)
def target_set(request, pk: int, payload: TargetIn):
    """Set or change the target of one figure (a draft plan; manager, assistant)."""
    user = _reader(request)
    plan = selectors.plan_get_for_user(user, pk)
    plan_services.target_set(
        by=user,
        plan=plan,
        metric=payload.metric,
        value=payload.value,
        comparison=payload.comparison or "",
    )
    return _plan_detail(user, plan)


@router.delete(
    "/{pk}/targets/{target_id}",
    response={200: PlanDetailOut, **ERRORS},
    operation_id="workplan_target_remove",
)
def target_remove(request, pk: int, target_id: int):
    user = _reader(request)
    plan = selectors.plan_get_for_user(user, pk)
    plan_services.target_remove(by=user, plan=plan, target_id=target_id)
    return _plan_detail(user, plan)


@router.post(
    "/{pk}/initiatives",
    response={201: PlanDetailOut, **ERRORS},
    operation_id="workplan_initiative_add",
)
def initiative_add(request, pk: int, payload: InitiativeIn):
    user = _reader(request)
    plan = selectors.plan_get_for_user(user, pk)
    if not selectors.may_edit(user):
        raise PermissionDenied
    staff = active_staff(user).filter(pk=payload.owner).first()
    if staff is None:
        raise ValidationError(
            {"owner": ValidationError(_("找不到该员工,或不能选择该员工。"), code="invalid_choice")}
        )
    plan_services.initiative_add(
        by=user, plan=plan, text=payload.text, owner=staff.user, due=payload.due
    )
    return Status(201, _plan_detail(user, plan))


@router.post(
    "/{pk}/initiatives/{initiative_id}/done",
    response={200: PlanDetailOut, **ERRORS},
    operation_id="workplan_initiative_done",
)
def initiative_done(request, pk: int, initiative_id: int):
    """Its owner, the manager or the assistant marks an initiative done."""
    user = _reader(request)
    plan = selectors.plan_get_for_user(user, pk)
    initiative = get_object_or_404(Initiative, plan=plan, pk=initiative_id)
    plan_services.initiative_done(by=user, initiative=initiative)
    return _plan_detail(user, plan)


@router.post(
    "/{pk}/publish", response={200: PlanDetailOut, **ERRORS}, operation_id="workplan_publish"
)
def plan_publish(request, pk: int):
    """The manager publishes the plan; its targets then show on the homes."""
    user = _reader(request)
    plan = selectors.plan_get_for_user(user, pk)
    plan = plan_services.plan_publish(by=user, plan=plan)
    return _plan_detail(user, plan)


# --- work reports ----------------------------------------------------------------------------


class WorkReportOut(Schema):
    id: int
    cadence: str
    start: str
    end: str
    community_id: int | None
    status: str
    drafting: bool
    draft_step: int
    draft_steps: int
    drafted_at: str | None
    submitted_at: str | None
    decided_at: str | None
    remarks: str

    @staticmethod
    def resolve_start(obj):
        return obj.start.isoformat()

    @staticmethod
    def resolve_end(obj):
        return obj.end.isoformat()

    @staticmethod
    def resolve_drafted_at(obj):
        return obj.drafted_at.isoformat() if obj.drafted_at else None

    @staticmethod
    def resolve_submitted_at(obj):
        return obj.submitted_at.isoformat() if obj.submitted_at else None

    @staticmethod
    def resolve_decided_at(obj):
        return obj.decided_at.isoformat() if obj.decided_at else None


class ReportDetailOut(WorkReportOut):
    figures: dict = Field(description="the drafted figures; `dashboard` is the dashboard's answer")
    commentary: dict[str, str]


class ReportIn(Schema):
    cadence: Literal[tuple(Cadence.values)]
    day: Day = Field(description="any day of the week, month or quarter")
    community: Id | None = Field(None, description="none: the whole company")


class CommentaryIn(Schema):
    commentary: dict[SectionName, Text]


class ReportDecisionIn(Schema):
    remarks: Text = ""


class ReportFilters(Schema):
    status: Literal[tuple(ReportStatus.values)] | None = None
    cadence: Literal[tuple(Cadence.values)] | None = None


def _report_reader(request):
    if not selectors.may_read_reports(request.auth):
        raise PermissionDenied
    return request.auth


def _report(user, pk):
    return selectors.report_get_for_user(user, pk)


@report_router.get(
    "", response={200: list[WorkReportOut], **ERRORS}, operation_id="workreport_list"
)
def report_list(request, filters: Query[ReportFilters]):
    """The reports the caller may read (executives: approved ones), newest first (100)."""
    qs = selectors.filter_reports(
        selectors.reports_visible_to(_report_reader(request)),
        status=filters.status or "",
        cadence=filters.cadence or "",
    )
    return list(qs[:100])


@report_router.post(
    "", response={202: ReportDetailOut, **ERRORS}, operation_id="workreport_request"
)
def report_request(request, payload: ReportIn):
    """Draft (or draft again) the report of the period holding `day`; the worker computes
    it (poll GET until `drafting` is false)."""
    user = _report_reader(request)
    report = report_services.report_request(
        by=user,
        cadence=payload.cadence,
        day=payload.day,
        community=_community(user, payload.community),
    )
    report.refresh_from_db()
    return Status(202, report)


@report_router.get(
    "/{pk}", response={200: ReportDetailOut, **ERRORS}, operation_id="workreport_get"
)
def report_get(request, pk: int):
    user = _report_reader(request)
    return _report(user, pk)


@report_router.put(
    "/{pk}/commentary",
    response={200: ReportDetailOut, **ERRORS},
    operation_id="workreport_commentary",
)
def report_commentary(request, pk: int, payload: CommentaryIn):
    """The commentary of each section (a draft or returned report; manager, assistant)."""
    user = _report_reader(request)
    return report_services.report_save(
        by=user, report=_report(user, pk), commentary=payload.commentary
    )


@report_router.post(
    "/{pk}/submit", response={200: ReportDetailOut, **ERRORS}, operation_id="workreport_submit"
)
def report_submit(request, pk: int):
    user = _report_reader(request)
    return report_services.report_submit(by=user, report=_report(user, pk))


@report_router.post(
    "/{pk}/approve", response={200: ReportDetailOut, **ERRORS}, operation_id="workreport_approve"
)
def report_approve(request, pk: int, payload: ReportDecisionIn):
    """The manager approves; the executives are notified."""
    user = _report_reader(request)
    return report_services.report_approve(
        by=user, report=_report(user, pk), remarks=payload.remarks
    )


@report_router.post(
    "/{pk}/return", response={200: ReportDetailOut, **ERRORS}, operation_id="workreport_return"
)
def report_return(request, pk: int, payload: ReportDecisionIn):
    """The manager returns the report with a reason."""
    user = _report_reader(request)
    return report_services.report_return(by=user, report=_report(user, pk), remarks=payload.remarks)
