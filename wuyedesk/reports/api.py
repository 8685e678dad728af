"""/api/v1/reports: the service desk's dashboard figures and their workbook (#12 point 5);
/api/v1/reports/surveys: a campaign's analysis figures, its quarterly report's status,
workflow and downloads (SUR-2)."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema

from wuyedesk.api.schemas import MAX_ID, ErrorOut, Text
from wuyedesk.core.downloads import download
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.reports import metrics, survey_analysis, survey_reports
from wuyedesk.reports.dashboard_export import dashboard_export
from wuyedesk.reports.forms import ScopeForm

router = Router(tags=["survey reports"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ReportEventOut(Schema):
    kind: str
    by: str | None
    at: str
    text: str


class ReportOut(Schema):
    campaign_id: int
    exists: bool
    status: str | None = None
    comments: str = ""
    remarks: str = ""
    submitted_at: str | None = None
    decided_at: str | None = None
    pdf_ready: bool = False
    pdf_rendering: bool = False
    pdf_error: str = ""
    events: list[ReportEventOut] = []


class ReportActionIn(Schema):
    comments: Text | None = Field(None, description="save / submit: the assistant's comments")
    remarks: Text = Field("", description="acknowledge / return: the manager's remarks")


class DashboardFilters(Schema):
    start: str = Field("", description="first day (YYYY-MM-DD); default: 29 days ago")
    end: str = Field("", description="last day, inclusive; default: today")
    community: int | None = Field(None, ge=1, le=MAX_ID)
    department: int | None = Field(None, ge=1, le=MAX_ID)
    owner: int | None = Field(None, ge=1, le=MAX_ID, description="a staff record's id")
    trend: Literal["", "day", "week"] = ""


def _scope(request, filters: DashboardFilters) -> metrics.Scope:
    if not metrics.may_read_reports(request.auth):
        raise PermissionDenied
    data = {k: "" if v is None else str(v) for k, v in filters.model_dump().items()}
    form = ScopeForm(data, user=request.auth)
    if not form.is_valid():
        raise FormInvalid(form)
    return form.scope()


@router.get("/dashboard", response={200: dict, **ERRORS}, operation_id="dashboard")
def dashboard(request, filters: Query[DashboardFilters]):
    """The dashboard's figures for a period (default the last 30 days), a community, a
    department and a staff member, each beside the previous period's; the trend by day or
    week; `overdue_now` apart from the period. The manager, executive, supervisor and
    administrator, within their communities; labels in the request's language."""
    return metrics.dashboard(request.auth, _scope(request, filters))


@router.get("/dashboard.xlsx", response={200: None, **ERRORS}, operation_id="dashboard_xlsx")
def dashboard_xlsx(request, filters: Query[DashboardFilters]):
    """The same figures as a workbook: only the posts the company settings allow to export;
    each export is in the access log."""
    return dashboard_export(user=request.auth, scope=_scope(request, filters))


def _iso(value):
    return value.isoformat() if value else None


def _report_out(campaign) -> dict:
    report = survey_reports.report_of(campaign)
    if report is None:
        return {"campaign_id": campaign.pk, "exists": False}
    return {
        "campaign_id": campaign.pk,
        "exists": True,
        "status": report.status,
        "comments": report.comments,
        "remarks": report.remarks,
        "submitted_at": _iso(report.submitted_at),
        "decided_at": _iso(report.decided_at),
        "pdf_ready": bool(report.pdf and report.pdf_rendered_at),
        "pdf_rendering": report.pdf_rendering,
        "pdf_error": report.pdf_error,
        "events": [
            {
                "kind": e.kind,
                "by": e.by.staff.name if e.by_id and hasattr(e.by, "staff") else None,
                "at": e.at.isoformat(),
                "text": e.text,
            }
            for e in survey_reports.events_of(report)
        ],
    }


@router.get(
    "/surveys/{pk}/analysis", response={200: dict, **ERRORS}, operation_id="survey_analysis"
)
def analysis(request, pk: int):
    """Every figure of the campaign's analysis, compared with the previous quarter, scoped to
    the caller's communities. Formulas: docs/survey-analysis.md."""
    campaign = survey_reports.campaign_for(request.auth, pk)
    return survey_analysis.campaign_analysis(request.auth, campaign)


@router.get(
    "/surveys/{pk}/report", response={200: ReportOut, **ERRORS}, operation_id="survey_report_get"
)
def report_get(request, pk: int):
    """The quarterly report's state, remarks, PDF state and timeline."""
    return _report_out(survey_reports.campaign_for(request.auth, pk))


@router.post(
    "/surveys/{pk}/report/{action}",
    response={200: ReportOut, **ERRORS},
    operation_id="survey_report_action",
)
def report_action(
    request,
    pk: int,
    action: Literal["save", "submit", "acknowledge", "return", "pdf"],
    payload: ReportActionIn,
):
    """save / submit (assistant, manager); acknowledge / return (manager); pdf (queue the PDF)."""
    user = request.auth
    campaign = survey_reports.campaign_for(user, pk)
    report = survey_reports.report_of(campaign)
    if action in ("save", "submit", "pdf"):
        if action != "pdf" and not survey_reports.may_prepare(user):
            raise PermissionDenied
        report = report or survey_reports.report_start(by=user, campaign=campaign)
    elif report is None:
        raise Http404
    if action == "save":
        survey_reports.report_save(by=user, report=report, comments=payload.comments or "")
    elif action == "submit":
        survey_reports.report_submit(by=user, report=report, comments=payload.comments)
    elif action == "acknowledge":
        survey_reports.report_acknowledge(by=user, report=report, remarks=payload.remarks)
    elif action == "return":
        survey_reports.report_return(by=user, report=report, remarks=payload.remarks)
    else:
        survey_reports.report_request_pdf(by=user, report=report)
    return _report_out(campaign)


@router.get(
    "/surveys/{pk}/report.pdf",
    response={200: None, **ERRORS},
    operation_id="survey_report_pdf",
)
def report_pdf(request, pk: int):
    """The rendered PDF (404 until it is ready: see `pdf_ready`)."""
    campaign = survey_reports.campaign_for(request.auth, pk)
    report = survey_reports.report_of(campaign)
    if report is None or not report.pdf or report.pdf_rendered_at is None:
        raise Http404
    return download(
        report.pdf.open("rb"),
        filename=f"survey-report-{campaign.quarter}.pdf",
        content_type="application/pdf",
    )


@router.get(
    "/surveys/{pk}/answers.xlsx",
    response={200: None, **ERRORS},
    operation_id="survey_answers_xlsx",
)
def answers_xlsx(request, pk: int):
    """The raw answers, one row per answer (anonymised unless manager or assistant). Only
    the posts the company settings allow to export; each export is in the access log."""
    campaign = survey_reports.campaign_for(request.auth, pk)
    return survey_reports.answers_export(user=request.auth, campaign=campaign)
