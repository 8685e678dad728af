"""Pages of rewards and penalties (MGT-7, MGT-8)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuyedesk.accounts.decorators import staff_passes_test, staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.rewards import selectors, services
from wuyedesk.rewards.choices import MeasureKind, MeasureStatus
from wuyedesk.rewards.forms import (
    AppealDecisionForm,
    AppealForm,
    DecisionForm,
    FromAppraisalForm,
    ProposeForm,
)
from wuyedesk.rewards.from_appraisal import propose_from_appraisal

INVALID = _("请更正下面标出的错误,内容尚未保存。")


def list_filters(request) -> dict:
    """The list's filters from the query string (the homes' numbers link with them)."""
    get = request.GET
    staff = get.get("staff", "")
    return {
        "status": get.get("status") if get.get("status") in MeasureStatus.values else "",
        "kind": get.get("kind") if get.get("kind") in MeasureKind.values else "",
        "staff": int(staff) if staff.isdigit() and len(staff) < 18 else None,
        "waiting": get.get("waiting") == "1",
        "mine": get.get("mine") if get.get("mine") in selectors.MINE else "",
    }


@staff_required
@require_GET
def measure_list(request):
    return _list(request)


def _list(request, appraisal_form=None, status=200):
    user = request.user
    filters = list_filters(request)
    rows = selectors.filter_measures(selectors.measures_visible_to(user), user, **filters)
    return render(
        request,
        "rewards/list.html",
        {
            "page": page_of(rows, request.GET.get("page"), 50),
            "filters": filters,
            "statuses": MeasureStatus.choices,
            "kinds": MeasureKind.choices,
            "may_propose": selectors.may_propose(user),
            "appraisal_form": appraisal_form
            or (FromAppraisalForm(user=user) if selectors.may_propose(user) else None),
            "title": _("奖惩"),
        },
        status=status,
    )


@staff_passes_test(selectors.may_propose, methods=["POST"])
def measure_from_appraisal(request):
    """The manager asks for the proposals of a published appraisal cycle."""
    user = request.user
    form = FromAppraisalForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, INVALID)
        return _list(request, appraisal_form=form, status=422)
    made = propose_from_appraisal(by=user, cycle=form.cleaned_data["cycle"])
    messages.success(request, _("已按考核结果生成 %(n)s 条提议。") % {"n": len(made)})
    return redirect(f"{reverse('rewards:list')}?waiting=1")


@staff_passes_test(selectors.may_propose)
def measure_create(request):
    user = request.user
    form = ProposeForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                measure = services.measure_propose(by=user, **data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("奖惩提议已提交,等待审批。"))
                return redirect("rewards:detail", pk=measure.pk)
        messages.error(request, INVALID)
        status = 422
    return render(
        request, "rewards/form.html", {"form": form, "title": _("提出奖惩")}, status=status
    )


def _page(request, measure, *, forms=None, status=200):
    user = request.user
    forms = forms or {}
    return render(
        request,
        "rewards/detail.html",
        {
            "measure": measure,
            "events": selectors.events_of(measure),
            "may_approve": selectors.may_approve(user, measure),
            "may_approve_x": selectors.may_approve_as_executive(user, measure),
            "may_appeal": selectors.may_appeal(user, measure),
            "may_decide_appeal": selectors.may_decide_appeal(user, measure),
            "decision_form": forms.get("decision") or DecisionForm(),
            "appeal_form": forms.get("appeal") or AppealForm(),
            "appeal_decision_form": forms.get("appeal_decision") or AppealDecisionForm(),
            "title": str(measure),
        },
        status=status,
    )


@staff_required
@require_GET
def measure_detail(request, pk):
    return _page(request, selectors.measure_get_for_user(request.user, pk))


ACTIONS = {
    # action: (form class, the form's key on the page, success message)
    "approve": (DecisionForm, "decision", _("已批准。")),
    "reject": (DecisionForm, "decision", _("已不予批准。")),
    "appeal": (AppealForm, "appeal", _("申诉已提交。")),
    "decide-appeal": (AppealDecisionForm, "appeal_decision", _("申诉已处理。")),
}


def _act(user, measure, action, data):
    if action == "approve":
        if measure.status == MeasureStatus.EXECUTIVE:
            return services.measure_approve_as_executive(
                by=user, measure=measure, remarks=data["remarks"]
            )
        return services.measure_approve(by=user, measure=measure, remarks=data["remarks"])
    if action == "reject":
        return services.measure_reject(by=user, measure=measure, remarks=data["remarks"])
    if action == "appeal":
        return services.measure_appeal(by=user, measure=measure, reason=data["reason"])
    return services.measure_decide_appeal(
        by=user, measure=measure, accept=data["outcome"] == "accepted", remarks=data["remarks"]
    )


@staff_required
@require_POST
def measure_action(request, pk, action):
    user = request.user
    measure = selectors.measure_get_for_user(user, pk)
    if action not in ACTIONS:
        raise Http404
    form_class, key, done = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            _act(user, measure, action, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("rewards:detail", pk=measure.pk)
    messages.error(request, INVALID)
    measure.refresh_from_db()
    return _page(request, measure, forms={key: form}, status=422)
