"""A work report's PDF (WeasyPrint in the worker, as the survey report's) and its figures as
a workbook (lib/sheets through properties.exports: the export right and the access log)."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from wuyedesk.properties.exports import export_response
from wuyedesk.workplans import selectors
from wuyedesk.workplans.choices import SECTIONS, ReportEventKind
from wuyedesk.workplans.models import WorkReport, WorkReportEvent

log = logging.getLogger(__name__)


@transaction.atomic
def report_request_pdf(*, by, report) -> WorkReport:
    if not selectors.may_read_reports(by):
        raise PermissionDenied
    now = timezone.now()
    WorkReport.objects.filter(pk=report.pk).update(
        pdf_requested_at=now, pdf_rendered_at=None, pdf_error=""
    )
    report.pdf_requested_at, report.pdf_rendered_at, report.pdf_error = now, None, ""
    WorkReportEvent.objects.create(report=report, kind=ReportEventKind.PDF, by=by)
    pk, stamp = report.pk, now.isoformat()
    transaction.on_commit(lambda: render_work_report_pdf(pk, stamp))
    return report


def sections(report) -> list[dict]:
    """The report's sections in order, each with its commentary."""
    return [
        {"key": key, "label": str(label), "commentary": report.commentary.get(key, "")}
        for key, label in SECTIONS.items()
    ]


DEADLINE_RATES = ("follow_up_on_time", "investigation_on_time", "first_contact", "recorded_late")
VISIT_RATES = ("return_visit", "satisfied", "rated_well")


def display(report) -> dict:
    """What the page and the PDF show: the figures, the dashboard's rates split into the
    deadline and the satisfaction sections, and each section's commentary."""
    data = report.figures or {}
    rates = {r["name"]: r for r in (data.get("dashboard") or {}).get("rates", [])}
    return {
        "report": report,
        "data": data,
        "deadline_rates": [rates[n] for n in DEADLINE_RATES if n in rates],
        "visit_rates": [rates[n] for n in VISIT_RATES if n in rates],
        "sections": {s["key"]: s for s in sections(report)},
    }


def pdf_html(report) -> str:
    return render_to_string(
        "workplans/report_pdf.html", {**display(report), "generated_at": timezone.now()}
    )


def filename(report) -> str:
    scope = f"-{report.community.code}" if report.community_id else ""
    return f"work-report-{report.cadence}-{report.start:%Y%m%d}{scope}"


def render_pdf(report_id: int, requested_at: str) -> bool:
    import weasyprint  # heavy; only the worker needs it

    report = WorkReport.objects.select_related("community", "drafted_by__staff").get(pk=report_id)
    if report.pdf_requested_at is None or report.pdf_requested_at.isoformat() != requested_at:
        return False
    try:
        with translation.override("zh-hans"):
            data = weasyprint.HTML(string=pdf_html(report)).write_pdf()
    except Exception as error:  # shown on the page
        log.exception("work report %s: PDF rendering failed", report_id)
        WorkReport.objects.filter(pk=report_id).update(pdf_error=str(error)[:300])
        return False
    stored = report.pdf.storage.save(
        report.pdf.field.generate_filename(report, f"{filename(report)}.pdf"), ContentFile(data)
    )
    updated = WorkReport.objects.filter(
        pk=report_id, pdf_requested_at=report.pdf_requested_at
    ).update(pdf=stored, pdf_rendered_at=timezone.now())
    if not updated:
        report.pdf.storage.delete(stored)
    return bool(updated)


@db_task(retries=1, retry_delay=30)
def render_work_report_pdf(report_id: int, requested_at: str):
    return render_pdf(report_id, requested_at)


def _rows(report):
    data = report.figures or {}
    dash = data.get("dashboard") or {}
    volumes, deadlines, sat = (str(SECTIONS[k]) for k in ("volumes", "deadlines", "satisfaction"))
    yield [volumes, _("工单总数"), dash.get("total"), dash.get("previous_total")]
    for k in dash.get("by_kind", []):
        yield [volumes, k["label"], k["n"], k["previous"]]
    for c in data.get("communities", []):
        yield [volumes, c["name"], c["n"], ""]
    for c in dash.get("categories", []):
        yield [volumes, c["label"], c["n"], ""]
    for r in dash.get("rates", []):
        section = sat if r["name"] in ("return_visit", "satisfied", "rated_well") else deadlines
        yield [section, f"{r['label']} (%)", r["percent"], r["previous_percent"]]
    yield [deadlines, _("当前超时"), dash.get("overdue_now"), ""]
    complaints = data.get("complaints") or {}
    label = str(SECTIONS["complaints"])
    yield [label, _("投诉总数"), complaints.get("total"), ""]
    for row in complaints.get("by_outcome", []):
        yield [label, row["label"], row["n"], ""]
    yield [label, _("每百户投诉数"), complaints.get("per_100_households"), ""]
    for row in dash.get("satisfaction", []):
        yield [sat, row["label"], row["n"], ""]
    items = data.get("improvements") or {}
    label = str(SECTIONS["improvements"])
    for key, name in (
        ("created", _("新建")),
        ("done", _("完成")),
        ("open", _("未完成")),
        ("overdue", _("逾期")),
    ):
        yield [label, name, items.get(key), ""]
    label = str(SECTIONS["targets"])
    for plan in data.get("targets", []):
        for t in plan["targets"]:
            yield [
                label,
                f"{plan['title']} · {t['label']} ({t['comparison_label']} {t['target']})",
                t["actual"],
                t["light"],
            ]
    label = str(SECTIONS["staffing"])
    for row in (data.get("staffing") or {}).get("by_post", []):
        yield [label, row["label"], row["n"], ""]
    label = str(SECTIONS["rewards"])
    for row in (data.get("rewards") or {}).get("by_kind", []):
        yield [label, row["label"], row["n"], ""]
    for key, text in report.commentary.items():
        yield [str(SECTIONS.get(key, key)), _("评述"), text, ""]


def report_export(*, user, report):
    """The report's figures and commentary as XLSX (section, figure, this period, before)."""
    if not selectors.may_read_reports(user):
        raise PermissionDenied
    return export_response(
        user=user,
        name=str(report),
        object_type="workplans.workreport",
        head=[_("部分"), _("指标"), _("本期"), _("上期/状态")],
        rows=_rows(report),
        filters={"report": report.pk},
        filename=filename(report),
    )
