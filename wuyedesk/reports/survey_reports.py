"""The quarterly report's workflow (SUR-2), its PDF and the raw answers as XLSX.

The assistant (or the manager) prepares the report of a campaign — the analysis with their
comments — and submits it; the figures are frozen then. The manager acknowledges it or
returns it with remarks; each step is a row of the report's timeline and a notification.
The PDF is rendered by WeasyPrint in a huey task and stored; a new request supersedes an
older one that has not finished (the task checks the request time it was queued for).
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from wuyedesk.accounts.access import community_ids, has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.notifications.services import notify
from wuyedesk.properties.exports import export_response
from wuyedesk.properties.services import require_export
from wuyedesk.reports import survey_analysis
from wuyedesk.reports.models import QuarterlyReport, ReportEvent, ReportEventKind, ReportStatus
from wuyedesk.surveys.models import Answer
from wuyedesk.surveys.selectors import campaigns_visible_to

log = logging.getLogger(__name__)

# The version every write to a quarterly report or a campaign bumps (reports/receivers.py),
# under which the homes keep their counts of reports (web/home.py). The updates of a report
# that send no signal write only its PDF's state.
VERSION = "survey-reports"
PREPARERS = (Post.ASSISTANT, Post.MANAGER)
DECIDERS = (Post.MANAGER,)
VIEWERS = (Post.MANAGER, Post.ASSISTANT, Post.SPECIALIST, Post.EXECUTIVE, Post.ADMIN)
EDITABLE_STATES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _invalid(field, message, code="invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


# The lists of campaigns by their report's state (`?report=` of the analysis list; the homes'
# numbers of reports waiting for approval and of drafts).
REPORT_LISTS = {
    "submitted": (ReportStatus.SUBMITTED,),
    "drafts": (ReportStatus.DRAFT, ReportStatus.RETURNED),
}


def campaigns_with_report(user, which: str):
    """The campaigns the user may see whose report is in the named state (REPORT_LISTS)."""
    statuses = REPORT_LISTS[which]
    reports = QuarterlyReport.objects.filter(status__in=statuses).values("campaign_id")
    return campaigns_visible_to(user).filter(pk__in=reports)


def findings_reported(user, since, until) -> list[dict]:
    """The survey findings (a community's dimension below target or below the others) of the
    quarterly reports submitted in [since, until), as the report froze them, in the
    campaigns the user may see: what a department meeting's agenda proposes (#15, SUP-3)."""
    reports = (
        QuarterlyReport.objects.filter(
            campaign__in=campaigns_visible_to(user),
            submitted_at__gte=since,
            submitted_at__lt=until,
        )
        .select_related("campaign")
        .order_by("submitted_at", "id")
    )
    out = []
    for report in reports:
        for finding in (report.figures or {}).get("findings", []):
            out.append(
                {
                    "campaign_id": report.campaign_id,
                    "campaign": report.campaign.name,
                    "dimension_id": finding.get("dimension"),
                    "dimension": finding.get("label", ""),
                    "community_id": finding.get("community"),
                    "community": finding.get("community_name", ""),
                    "satisfied": finding.get("satisfied_r", finding.get("satisfied")),
                    "url": reverse("survey_report", args=[report.campaign_id]),
                }
            )
    return out


def may_view(user) -> bool:
    return has_post(user, *VIEWERS)


def may_prepare(user) -> bool:
    return has_post(user, *PREPARERS)


def may_decide(user) -> bool:
    return has_post(user, *DECIDERS)


def campaign_for(user, pk):
    """The campaign, if the user may see its analysis (404 otherwise)."""
    if not may_view(user):
        raise PermissionDenied
    return get_object_or_404(campaigns_visible_to(user), pk=pk)


def report_of(campaign):
    return (
        QuarterlyReport.objects.filter(campaign=campaign)
        .select_related("prepared_by__staff", "decided_by__staff", "campaign")
        .first()
    )


def events_of(report):
    return ReportEvent.objects.filter(report=report).select_related("by__staff")


def _link(report) -> str:
    return reverse("survey_report", kwargs={"pk": report.campaign_id})


def _event(report, kind, by, text=""):
    return ReportEvent.objects.create(report=report, kind=kind, by=by, text=text)


def _campaign_managers(campaign):
    return list(
        User.objects.filter(
            is_active=True,
            staff__archived_at__isnull=True,
            staff__posts__post=Post.MANAGER,
            staff__communities__in=campaign.communities.all(),
        ).distinct()
    )


@transaction.atomic
def report_start(*, by, campaign) -> QuarterlyReport:
    """The campaign's report, created as a draft the first time a preparer opens it."""
    if not may_prepare(by):
        raise PermissionDenied
    report, created = QuarterlyReport.objects.get_or_create(
        campaign=campaign, defaults={"prepared_by": by}
    )
    if created:
        _event(report, ReportEventKind.PREPARED, by)
    return report


def _lock(report) -> QuarterlyReport:
    return QuarterlyReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def report_save(*, by, report, comments: str) -> QuarterlyReport:
    if not may_prepare(by):
        raise PermissionDenied
    report = _lock(report)
    if report.status not in EDITABLE_STATES:
        raise ValidationError(_("报告已提交,不能再修改。"), code="invalid_state")
    report.comments = (comments or "").strip()
    report.save(update_fields=["comments"])
    _event(report, ReportEventKind.SAVED, by)
    return report


@transaction.atomic
def report_submit(*, by, report, comments: str | None = None) -> QuarterlyReport:
    """Submit to the manager: the figures are frozen as they are now."""
    if not may_prepare(by):
        raise PermissionDenied
    report = _lock(report)
    if report.status not in EDITABLE_STATES:
        raise ValidationError(_("报告已提交,不能重复提交。"), code="invalid_state")
    if comments is not None:
        report.comments = comments.strip()
    if not report.comments:
        raise _invalid("comments", _("请填写评述后再提交。"), "required")
    now = timezone.now()
    report.figures = survey_analysis.campaign_analysis(by, report.campaign)
    report.status, report.submitted_at = ReportStatus.SUBMITTED, now
    report.prepared_by = by
    report.decided_at = report.decided_by = None
    report.save()
    _event(report, ReportEventKind.SUBMITTED, by, report.comments)
    managers = [m for m in _campaign_managers(report.campaign) if m.pk != by.pk]
    text = _("满意度报告待您审阅:%(name)s") % {"name": report.campaign.name}
    transaction.on_commit(
        lambda: notify(
            users=managers,
            kind="survey_report",
            text=text,
            link=_link(report),
            key=f"survey_report:{report.pk}:submitted:{now.isoformat()}",
            email=True,
        )
    )
    return report


def _decide(by, report, status, remarks, kind, text_template):
    if not may_decide(by):
        raise PermissionDenied
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("只有已提交的报告可以确认或退回。"), code="invalid_state")
    now = timezone.now()
    report.status, report.remarks = status, (remarks or "").strip()
    report.decided_at, report.decided_by = now, by
    report.save(update_fields=["status", "remarks", "decided_at", "decided_by"])
    _event(report, kind, by, report.remarks)
    preparer = report.prepared_by
    text = text_template % {"name": report.campaign.name}
    transaction.on_commit(
        lambda: notify(
            users=[preparer],
            kind="survey_report",
            text=text,
            link=_link(report),
            key=f"survey_report:{report.pk}:{status}:{now.isoformat()}",
        )
    )
    return report


@transaction.atomic
def report_acknowledge(*, by, report, remarks: str = "") -> QuarterlyReport:
    return _decide(
        by,
        report,
        ReportStatus.ACKNOWLEDGED,
        remarks,
        ReportEventKind.ACKNOWLEDGED,
        _("经理已确认满意度报告:%(name)s"),
    )


@transaction.atomic
def report_return(*, by, report, remarks: str) -> QuarterlyReport:
    if not (remarks or "").strip():
        raise _invalid("remarks", _("退回时请写明修改意见。"), "required")
    return _decide(
        by,
        report,
        ReportStatus.RETURNED,
        remarks,
        ReportEventKind.RETURNED,
        _("满意度报告被退回修改:%(name)s"),
    )


# ------------------------------------------------------------------ PDF


@transaction.atomic
def report_request_pdf(*, by, report) -> QuarterlyReport:
    """Queue the PDF; the page shows "rendering…" until the task has stored it."""
    if not may_view(by):
        raise PermissionDenied
    now = timezone.now()
    QuarterlyReport.objects.filter(pk=report.pk).update(
        pdf_requested_at=now, pdf_rendered_at=None, pdf_error=""
    )
    report.pdf_requested_at, report.pdf_rendered_at, report.pdf_error = now, None, ""
    _event(report, ReportEventKind.PDF, by)
    pk, stamp = report.pk, now.isoformat()

    def queue():
        render_report_pdf(pk, stamp)

    transaction.on_commit(queue)
    return report


def report_figures(report) -> dict:
    """The submitted figures, or (before submission) the analysis as its preparer sees it."""
    if report.figures:
        return report.figures
    return survey_analysis.campaign_analysis(report.prepared_by, report.campaign)


def pdf_html(report) -> str:
    figures = report_figures(report)
    return render_to_string(
        "reports/survey_report_pdf.html",
        {"report": report, "data": figures, "generated_at": timezone.now()},
    )


def render_pdf(report_id: int, requested_at: str) -> bool:
    """Render and store the PDF for the request made at `requested_at` (the task's body)."""
    import weasyprint

    report = QuarterlyReport.objects.select_related("campaign", "prepared_by__staff").get(
        pk=report_id
    )
    if report.pdf_requested_at is None or report.pdf_requested_at.isoformat() != requested_at:
        return False  # a newer request supersedes this one
    try:
        with translation.override("zh-hans"):
            data = weasyprint.HTML(string=pdf_html(report)).write_pdf()
    except Exception as error:  # any rendering failure is shown on the page
        log.exception("report %s: PDF rendering failed", report_id)
        QuarterlyReport.objects.filter(pk=report_id).update(pdf_error=str(error)[:300])
        return False
    name = f"survey-report-{report.campaign.quarter}.pdf"
    stored = report.pdf.storage.save(
        report.pdf.field.generate_filename(report, name), ContentFile(data)
    )
    updated = QuarterlyReport.objects.filter(
        pk=report_id, pdf_requested_at=report.pdf_requested_at
    ).update(pdf=stored, pdf_rendered_at=timezone.now())
    if not updated:
        report.pdf.storage.delete(stored)
    return bool(updated)


# ------------------------------------------------------------------ XLSX


def answers_export(*, user, campaign, fmt: str = "xlsx"):
    """The raw answers as a download, one row per answer; who answered only for
    SEE_RESPONDENT_POSTS. Only the posts allowed to export, within their communities."""
    if not may_view(user):
        raise PermissionDenied
    require_export(user)
    see_who = survey_analysis.may_see_respondent(user)
    qs = Answer.objects.filter(response__campaign=campaign)
    ids = community_ids(user)
    if ids is not None:
        qs = qs.filter(response__community_id__in=ids)
    related = ["question__dimension", "response__community", "response__building"]
    if see_who:
        related += ["response__room__unit__building__community", "response__respondent"]
    qs = qs.select_related(*related).order_by("response_id", "question__position", "id")
    head = [
        _("答卷编号"),
        _("提交时间"),
        _("方式"),
        _("小区"),
        _("楼栋"),
        *([_("房屋"), _("答卷住户")] if see_who else []),
        _("题目编码"),
        _("题目"),
        _("服务维度"),
        _("分值"),
        _("所选项"),
        _("文字"),
    ]

    def rows():
        for a in qs.iterator(chunk_size=2000):
            r = a.response
            who = [r.room.address, r.respondent.name if r.respondent_id else ""]
            yield [
                r.pk,
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
                r.get_channel_display(),
                r.community.name,
                r.building.name,
                *(who if see_who else []),
                a.question.code,
                a.question.text,
                a.question.dimension.name if a.question.dimension_id else "",
                a.value_int,
                ", ".join(str(v) for v in a.value_choices),
                a.value_text,
            ]

    return export_response(
        user=user,
        name=_("%(quarter)s 调查答卷") % {"quarter": campaign.quarter},
        object_type="surveys.answer",
        head=head,
        rows=rows(),
        filters={"campaign": campaign.pk, "quarter": campaign.quarter},
        filename=f"answers-{campaign.quarter}",
        fmt=fmt,
    )


# The task is defined beside the service it runs, so that the services never import tasks.py
# (which imports them, for huey's consumer).
@db_task(retries=1, retry_delay=30)
def render_report_pdf(report_id: int, requested_at: str):
    """Render a quarterly report's PDF (WeasyPrint takes seconds: never in a request)."""
    return render_pdf(report_id, requested_at)
