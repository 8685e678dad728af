"""Pages of the survey analysis and the quarterly report (SUR-2, AST-4)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import IMPROVEMENT_PLANNERS
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.downloads import download
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.core.forms import StyledFormMixin
from wuyedesk.lib.paging import page_of
from wuyedesk.properties.services import may_export
from wuyedesk.reports import survey_analysis, survey_reports
from wuyedesk.reports.models import ReportStatus
from wuyedesk.surveys.selectors import campaigns_visible_to


class CommentsForm(StyledFormMixin, forms.Form):
    comments = forms.CharField(
        label=gettext_lazy("助理评述"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("主要发现、原因分析和改进建议,随报告一并提交经理。"),
    )


class DecisionForm(StyledFormMixin, forms.Form):
    remarks = forms.CharField(
        label=gettext_lazy("经理意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@staff_required
def campaign_list(request):
    if not survey_reports.may_view(request.user):
        raise PermissionDenied
    which = request.GET.get("report", "")
    if which and which not in survey_reports.REPORT_LISTS:
        messages.error(request, _("筛选条件“%(name)s”无效。") % {"name": "report"})
        which = ""
    if which:
        campaigns = survey_reports.campaigns_with_report(request.user, which)
    else:
        campaigns = campaigns_visible_to(request.user)
    campaigns = campaigns.order_by("-period_start")
    reports = {
        r.campaign_id: r
        for r in survey_reports.QuarterlyReport.objects.filter(campaign__in=campaigns)
    }
    rows = [(c, reports.get(c.pk)) for c in campaigns[:40]]
    return render(
        request,
        "reports/survey_list.html",
        {"rows": rows, "which": which, "title": _("满意度分析")},
    )


@staff_required
def analysis(request, pk):
    campaign = survey_reports.campaign_for(request.user, pk)
    data = survey_analysis.campaign_analysis(request.user, campaign)
    chart = {
        "trend": data["trend"],
        "dimensions": [
            {"label": d["label"], "index": d.get("index_r"), "prev": d.get("prev_index")}
            for d in data["dimensions"]
        ],
        "drivers": [{"label": d["label"], "r": round(d["r"], 3)} for d in data["drivers"]],
        "themes": [{"label": t["label"], "n": t["n"]} for t in data["themes"]],
    }
    return render(
        request,
        "reports/survey_analysis.html",
        {
            "campaign": campaign,
            "data": data,
            "chart": chart,
            "matrix": _matrix(data),
            "findings": [_finding(campaign, f) for f in data["findings"]],
            "trend_rows": _trend_rows(data),
            "report": survey_reports.report_of(campaign),
            "can_plan": has_post(request.user, *IMPROVEMENT_PLANNERS),  # improvements' planners
            "can_export": may_export(request.user),
            "title": _("满意度分析:%(name)s") % {"name": campaign.name},
        },
    )


def _matrix(data) -> dict:
    """Community × dimension as rows of cells, in the dimensions' order."""
    dims = [
        d for d in data["dimension_list"] if any(m["dimension"] == d["id"] for m in data["matrix"])
    ]
    cells = {(m["community"], m["dimension"]): m for m in data["matrix"]}
    rows = [
        {
            "community": c["community"],
            "name": c["name"],
            "cells": [cells.get((c["community"], d["id"])) for d in dims],
        }
        for c in data["communities"]
    ]
    return {"dimensions": dims, "rows": rows}


def _trend_rows(data) -> dict:
    """Each dimension's index in this and the previous quarters (a table beside the chart)."""
    quarters = [t["quarter"] for t in data["trend"]]
    labels = [d["label"] for d in data["dimension_list"]]
    rows = [
        {"label": label, "values": [t["dims"].get(label) for t in data["trend"]]}
        for label in labels
        if any(label in t["dims"] for t in data["trend"])
    ]
    return {"quarters": quarters, "rows": rows}


def _finding(campaign, cell) -> dict:
    """A low score as an improvement item to create, its form filled in."""
    title = _("提升%(community)s的%(dimension)s满意度") % {
        "community": cell["community_name"],
        "dimension": cell["label"],
    }
    measures = _(
        "%(quarter)s 调查:%(community)s %(dimension)s 满意率 %(share)s%%,低于其他小区 "
        "%(diff)s 个百分点(误差 ±%(margin)s)。"
    ) % {
        "quarter": campaign.quarter,
        "community": cell["community_name"],
        "dimension": cell["label"],
        "share": cell.get("satisfied_r"),
        "diff": abs((cell.get("versus_rest") or {}).get("diff_r") or 0),
        "margin": (cell.get("versus_rest") or {}).get("margin_r"),
    }
    params = {
        "source": "survey",
        "campaign": campaign.pk,
        "dimension": cell["dimension"],
        "community": cell["community"],
        "department": cell["department"] or "",
        "title": title,
        "measures": measures,
    }
    return {**cell, "create_query": urlencode(params)}


@staff_required
def answers(request, pk):
    """The answers behind one figure; anonymised unless the post may see who answered."""
    campaign = survey_reports.campaign_for(request.user, pk)
    qs = survey_analysis.answers_behind(request.user, campaign, request.GET)
    page = page_of(qs, request.GET.get("page"), 100)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/survey_answers.html",
        {
            "campaign": campaign,
            "page": page,
            "query": query.urlencode(),
            "see_who": survey_analysis.may_see_respondent(request.user),
            "title": _("答卷明细"),
        },
    )


@staff_required
def answers_xlsx(request, pk):
    campaign = survey_reports.campaign_for(request.user, pk)
    return survey_reports.answers_export(user=request.user, campaign=campaign)


def _report_page(request, campaign, report, comments_form=None, decision_form=None, status=200):
    user = request.user
    editable = report is not None and report.status in survey_reports.EDITABLE_STATES
    return render(
        request,
        "reports/survey_report.html",
        {
            "campaign": campaign,
            "report": report,
            "events": survey_reports.events_of(report) if report else [],
            "comments_form": comments_form
            or CommentsForm(initial={"comments": report.comments if report else ""}),
            "decision_form": decision_form or DecisionForm(),
            "can_export": may_export(user),
            "may_prepare": survey_reports.may_prepare(user) and (report is None or editable),
            "data": survey_reports.report_figures(report) if report else None,
            "may_decide": survey_reports.may_decide(user)
            and report is not None
            and report.status == ReportStatus.SUBMITTED,
            "title": _("季度满意度报告:%(name)s") % {"name": campaign.name},
        },
        status=status,
    )


@staff_required
def report(request, pk):
    campaign = survey_reports.campaign_for(request.user, pk)
    return _report_page(request, campaign, survey_reports.report_of(campaign))


@staff_required
@require_POST
def report_action(request, pk, action):
    user = request.user
    campaign = survey_reports.campaign_for(user, pk)
    current = survey_reports.report_of(campaign)
    if action in ("save", "submit"):
        form = CommentsForm(request.POST)
        if not form.is_valid():
            return _report_page(request, campaign, current, comments_form=form, status=422)
        try:
            current = current or survey_reports.report_start(by=user, campaign=campaign)
            if action == "save":
                survey_reports.report_save(
                    by=user, report=current, comments=form.cleaned_data["comments"]
                )
                messages.success(request, _("已保存。"))
            else:
                survey_reports.report_submit(
                    by=user, report=current, comments=form.cleaned_data["comments"]
                )
                messages.success(request, _("报告已提交经理。"))
        except ValidationError as error:
            add_service_error(form, error)
            messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
            return _report_page(request, campaign, current, comments_form=form, status=422)
    elif action in ("acknowledge", "return"):
        if current is None:
            raise Http404
        form = DecisionForm(request.POST)
        form.is_valid()
        remarks = form.cleaned_data.get("remarks", "")
        try:
            if action == "acknowledge":
                survey_reports.report_acknowledge(by=user, report=current, remarks=remarks)
                messages.success(request, _("已确认报告。"))
            else:
                survey_reports.report_return(by=user, report=current, remarks=remarks)
                messages.success(request, _("已退回报告。"))
        except ValidationError as error:
            add_service_error(form, error)
            messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
            return _report_page(request, campaign, current, decision_form=form, status=422)
    elif action == "pdf":
        current = current or survey_reports.report_start(by=user, campaign=campaign)
        survey_reports.report_request_pdf(by=user, report=current)
        messages.info(request, _("正在生成 PDF……"))
    else:
        raise Http404
    return redirect("survey_report", pk=campaign.pk)


@staff_required
def report_pdf_status(request, pk):
    """The PDF's state as a page fragment (htmx polls it until the file is ready)."""
    campaign = survey_reports.campaign_for(request.user, pk)
    return render(
        request,
        "reports/_survey_report_pdf.html",
        {"campaign": campaign, "report": survey_reports.report_of(campaign)},
    )


@staff_required
def report_pdf(request, pk):
    campaign = survey_reports.campaign_for(request.user, pk)
    current = survey_reports.report_of(campaign)
    if current is None or not current.pdf or current.pdf_rendered_at is None:
        raise Http404
    return download(
        current.pdf.open("rb"),
        filename=f"survey-report-{campaign.quarter}.pdf",
        content_type="application/pdf",
    )
