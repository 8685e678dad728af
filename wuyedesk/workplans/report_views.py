"""Pages of the work reports (AST-2)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.downloads import download
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.properties.services import may_export
from wuyedesk.workplans import selectors
from wuyedesk.workplans.choices import EDITABLE_STATES, Cadence, ReportStatus
from wuyedesk.workplans.forms import CommentaryForm, DecisionForm, ReportRequestForm
from wuyedesk.workplans.services import exports
from wuyedesk.workplans.services import reports as services

INVALID = _("请更正下面标出的错误,内容尚未保存。")


def _require_reader(user):
    if not selectors.may_read_reports(user):
        raise PermissionDenied


@staff_required
def report_list(request):
    user = request.user
    _require_reader(user)
    status = request.GET.get("status", "")
    cadence = request.GET.get("cadence", "")
    reports = selectors.filter_reports(
        selectors.reports_visible_to(user),
        status=status if status in ReportStatus.values else "",
        cadence=cadence if cadence in Cadence.values else "",
    )
    form = ReportRequestForm(request.POST or None, user=user)
    status_code = 200
    if request.method == "POST":
        if not selectors.may_edit(user):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.report_request(
                    by=user, cadence=data["cadence"], day=data["day"], community=data["community"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.info(request, _("正在从数据起草报告……"))
                return redirect("workreport_detail", pk=report.pk)
        messages.error(request, INVALID)
        status_code = 422
    return render(
        request,
        "workplans/report_list.html",
        {
            "page": page_of(reports, request.GET.get("page"), 50),
            "form": form,
            "status": status,
            "statuses": ReportStatus.choices,
            "may_edit": selectors.may_edit(user),
            "title": _("工作报告"),
        },
        status=status_code,
    )


def _report_page(request, report, *, commentary_form=None, decision_form=None, status=200):
    user = request.user
    editable = selectors.may_edit(user) and report.status in EDITABLE_STATES
    return render(
        request,
        "workplans/report_detail.html",
        {
            **exports.display(report),
            "events": selectors.events_of(report),
            "editable": editable,
            "commentary_form": commentary_form or CommentaryForm(initial=report.commentary),
            "decision_form": decision_form or DecisionForm(),
            "may_decide": selectors.may_approve(user) and report.status == ReportStatus.SUBMITTED,
            "may_export": may_export(user),
            "title": str(report),
        },
        status=status,
    )


@staff_required
def report_detail(request, pk):
    _require_reader(request.user)
    return _report_page(request, selectors.report_get_for_user(request.user, pk))


@staff_required
def report_progress(request, pk):
    """The drafting's and the PDF's state as a fragment (htmx polls it while either runs)."""
    _require_reader(request.user)
    report = selectors.report_get_for_user(request.user, pk)
    return render(request, "workplans/_report_status.html", {"report": report})


@staff_required
@require_POST
def report_action(request, pk, action):
    user = request.user
    _require_reader(user)
    report = selectors.report_get_for_user(user, pk)
    try:
        if action in ("save", "submit"):
            form = CommentaryForm(request.POST)
            if not form.is_valid():
                messages.error(request, INVALID)
                return _report_page(request, report, commentary_form=form, status=422)
            try:
                if action == "save":
                    services.report_save(by=user, report=report, commentary=form.commentary())
                    messages.success(request, _("已保存。"))
                else:
                    services.report_submit(by=user, report=report, commentary=form.commentary())
                    messages.success(request, _("报告已提交经理。"))
            except ValidationError as error:
                add_service_error(form, error)
                messages.error(request, INVALID)
                return _report_page(request, report, commentary_form=form, status=422)
        elif action in ("approve", "return"):
            form = DecisionForm(request.POST)
            form.is_valid()
            remarks = form.cleaned_data.get("remarks", "")
            try:
                if action == "approve":
                    services.report_approve(by=user, report=report, remarks=remarks)
                    messages.success(request, _("报告已批准并报送管理层。"))
                else:
                    services.report_return(by=user, report=report, remarks=remarks)
                    messages.success(request, _("已退回报告。"))
            except ValidationError as error:
                add_service_error(form, error)
                messages.error(request, INVALID)
                return _report_page(request, report, decision_form=form, status=422)
        elif action == "redraft":
            services.report_request(
                by=user, cadence=report.cadence, day=report.start, community=report.community
            )
            messages.info(request, _("正在从数据起草报告……"))
        elif action == "pdf":
            exports.report_request_pdf(by=user, report=report)
            messages.info(request, _("正在生成 PDF……"))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _report_page(request, report, status=422)
    return redirect("workreport_detail", pk=report.pk)


@staff_required
def report_pdf(request, pk):
    _require_reader(request.user)
    report = selectors.report_get_for_user(request.user, pk)
    if not report.pdf or report.pdf_rendered_at is None:
        raise Http404
    return download(
        report.pdf.open("rb"),
        filename=f"{exports.filename(report)}.pdf",
        content_type="application/pdf",
    )


@staff_required
def report_xlsx(request, pk):
    _require_reader(request.user)
    report = selectors.report_get_for_user(request.user, pk)
    if not report.figures:
        raise Http404
    return exports.report_export(user=request.user, report=report)
