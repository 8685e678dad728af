"""Pages of attendance (MGT-1): the person's own page with clock-in and clock-out, requests,
the manager's approvals, exceptions and monthly sheets. Rosters and shifts: roster_views.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_passes_test, staff_required
from wuyedesk.accounts.models import User
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.network import client_address
from wuyedesk.properties.exports import export_response
from wuyedesk.properties.services import may_export
from wuyedesk.staffing import attendance, monthly, rules, services
from wuyedesk.staffing.forms import CorrectionForm, DecisionForm, LeaveForm
from wuyedesk.staffing.models import ClockRecord, CorrectionRequest, LeaveRequest

INVALID = _("请更正下面标出的错误,内容尚未保存。")
REQUEST_MODELS = {"leave": LeaveRequest, "correction": CorrectionRequest}


def _render(request, template, context, status=200):
    """A page of the app, with what its tabs need."""
    user = request.user
    context |= {
        "may_read_department": rules.may_read_department(user),
        "may_edit_rosters": rules.may_edit_rosters(user),
        "may_export": may_export(user),
    }
    return render(request, template, context, status=status)


def _person_page(request, person, template="staffing/me.html"):
    first, last = monthly.month_of(request.GET.get("month"))
    found = attendance.people([person.pk], first, last)[person.pk]
    only_exceptions = request.GET.get("exceptions") == "1"
    context = {
        "person": person,
        "days": [d for d in found.days if d.exception] if only_exceptions else found.days,
        "only_exceptions": only_exceptions,
        "figures": found.figures(),
        "first": first,
        "previous": (first - timezone.timedelta(days=1)).strftime("%Y-%m"),
        "next": (last + timezone.timedelta(days=1)).strftime("%Y-%m"),
        "leave": LeaveRequest.objects.filter(user=person).order_by("-created_at")[:20],
        "corrections": CorrectionRequest.objects.filter(user=person).order_by("-created_at")[:20],
        "title": _("我的考勤") if person.pk == request.user.pk else person.staff.name,
    }
    if person.pk == request.user.pk:
        context["today"] = ClockRecord.objects.filter(
            user=person, date=timezone.localdate()
        ).first()
        context["open"] = (
            ClockRecord.objects.filter(user=person, clock_out__isnull=True)
            .exclude(clock_in=None)
            .order_by("-clock_in")
            .first()
        )
    return _render(request, template, context)


@staff_required
def me(request):
    return _person_page(request, request.user)


@staff_required
def person(request, user_id):
    found = get_object_or_404(User.objects.select_related("staff"), pk=user_id)
    if not rules.may_read_person(request.user, found):
        raise PermissionDenied
    return _person_page(request, found, "staffing/person.html")


@staff_required
@require_POST
def clock(request):
    try:
        record = services.clock(
            by=request.user, action=request.POST.get("action", ""), ip=client_address(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        at = record.clock_out if request.POST.get("action") == "out" else record.clock_in
        messages.success(
            request, _("已打卡:%(time)s") % {"time": timezone.localtime(at).strftime("%H:%M")}
        )
    return redirect("staffing:me")


def _request_form(request, form_class, submit, title, done):
    form = form_class(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                submit(form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, done)
                return redirect("staffing:me")
        messages.error(request, INVALID)
    return _render(
        request,
        "staffing/request_form.html",
        {"form": form, "title": title},
        status=422 if form.errors else 200,
    )


@staff_required
def leave_new(request):
    return _request_form(
        request,
        LeaveForm,
        lambda data: services.leave_request(by=request.user, **data),
        _("请假申请"),
        _("请假申请已提交,等待经理审批。"),
    )


@staff_required
def correction_new(request):
    return _request_form(
        request,
        CorrectionForm,
        lambda data: services.correction_request(by=request.user, **data),
        _("考勤更正申请"),
        _("考勤更正申请已提交,等待经理审批。"),
    )


@staff_passes_test(rules.may_read_department)
def requests(request):
    leave, corrections = monthly.pending_requests(request.user)
    return _render(
        request,
        "staffing/requests.html",
        {
            "leave": [(r, DecisionForm(prefix=f"leave-{r.pk}")) for r in leave],
            "corrections": [(r, DecisionForm(prefix=f"correction-{r.pk}")) for r in corrections],
            "title": _("待审批的考勤申请"),
        },
    )


@staff_required
@require_POST
def decide(request, kind, pk):
    model = REQUEST_MODELS.get(kind)
    if model is None:
        raise PermissionDenied
    found = get_object_or_404(model.objects.select_related("user__staff"), pk=pk)
    if not rules.may_decide_for(request.user, found.user):
        raise PermissionDenied
    form = DecisionForm(request.POST, prefix=f"{kind}-{pk}")
    if form.is_valid():
        try:
            services.decide(
                by=request.user,
                request=found,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已审批。"))
    else:
        messages.error(request, INVALID)
    return redirect("staffing:requests")


@staff_passes_test(rules.may_read_department)
def exceptions(request):
    first, last = monthly.month_of(request.GET.get("month"))
    last = min(last, timezone.localdate())
    leave, corrections = monthly.pending_requests(request.user)
    return _render(
        request,
        "staffing/exceptions.html",
        {
            "rows": monthly.exception_days(request.user, first, last),
            "first": first,
            "pending": leave.count() + corrections.count(),
            "title": _("考勤异常"),
        },
    )


def _sheet_rows(user, first, last):
    return monthly.department_rows(user, first, last)


@staff_passes_test(rules.may_read_department)
def sheet(request):
    first, last = monthly.month_of(request.GET.get("month"))
    return _render(
        request,
        "staffing/sheet.html",
        {
            "rows": _sheet_rows(request.user, first, last),
            "first": first,
            "month": first.strftime("%Y-%m"),
            "title": _("月度考勤表"),
        },
    )


SHEET_HEAD = (
    gettext_lazy("工号"),
    gettext_lazy("姓名"),
    gettext_lazy("排班天数"),
    gettext_lazy("出勤天数"),
    gettext_lazy("迟到"),
    gettext_lazy("早退"),
    gettext_lazy("缺勤(半天)"),
    gettext_lazy("请假天数"),
)


@staff_passes_test(rules.may_read_department)
def sheet_xlsx(request):
    first, last = monthly.month_of(request.GET.get("month"))
    rows = _sheet_rows(request.user, first, last)
    return export_response(
        user=request.user,
        name=_("月度考勤表 %(month)s") % {"month": first.strftime("%Y-%m")},
        object_type="staffing.sheet",
        head=[str(h) for h in SHEET_HEAD],
        rows=(
            (
                r.employee_no,
                r.name,
                r.figures.scheduled_days,
                r.figures.present_days,
                r.figures.late,
                r.figures.early_leave,
                r.figures.absent_half_days,
                float(r.figures.leave_days),
            )
            for r in rows
        ),
        filters={"month": first.strftime("%Y-%m")},
        filename="attendance",
    )


DAY_HEAD = (
    gettext_lazy("日期"),
    gettext_lazy("班次"),
    gettext_lazy("上班打卡"),
    gettext_lazy("下班打卡"),
    gettext_lazy("迟到"),
    gettext_lazy("早退"),
    gettext_lazy("缺勤(半天)"),
    gettext_lazy("请假"),
    gettext_lazy("已更正"),
)


def _clock_text(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@staff_required
def person_xlsx(request, user_id):
    """One person's month day by day, within the export right (MGT-3)."""
    found = get_object_or_404(User.objects.select_related("staff"), pk=user_id)
    if not rules.may_read_person(request.user, found):
        raise PermissionDenied
    first, last = monthly.month_of(request.GET.get("month"))
    days = attendance.people([found.pk], first, last)[found.pk].days
    return export_response(
        user=request.user,
        name=_("%(name)s 考勤表 %(month)s")
        % {"name": found.staff.name, "month": first.strftime("%Y-%m")},
        object_type="staffing.sheet",
        head=[str(h) for h in DAY_HEAD],
        rows=(
            (
                d.date.isoformat(),
                "、".join(d.shifts),
                _clock_text(d.clock_in),
                _clock_text(d.clock_out),
                d.late_minutes if d.late else 0,
                d.early_minutes if d.early_leave else 0,
                d.absent_half_days,
                d.on_leave,
                d.corrected,
            )
            for d in days
        ),
        filters={"month": first.strftime("%Y-%m"), "user": found.pk},
        filename="attendance-person",
    )
