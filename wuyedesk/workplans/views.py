"""Pages of the work plans (MGR-1)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.workplans import figures, selectors
from wuyedesk.workplans.choices import PlanStatus
from wuyedesk.workplans.forms import InitiativeForm, PlanForm, TargetForm
from wuyedesk.workplans.models import Initiative
from wuyedesk.workplans.services import plans as services

INVALID = _("请更正下面标出的错误,内容尚未保存。")


def _require_reader(user):
    if not selectors.may_read_plans(user):
        raise PermissionDenied


@staff_required
def plan_list(request):
    _require_reader(request.user)
    plans = selectors.plans_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in PlanStatus.values:
        plans = plans.filter(status=status)
    return render(
        request,
        "workplans/plan_list.html",
        {
            "plans": plans[:100],
            "status": status,
            "may_edit": selectors.may_edit(request.user),
            "may_reports": selectors.may_read_reports(request.user),
            "title": _("工作计划"),
        },
    )


@staff_required
def plan_create(request):
    user = request.user
    if not selectors.may_edit(user):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    by=user,
                    title=data["title"],
                    period=data["period"],
                    day=data["day"],
                    community=data["community"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("计划已创建,请设定目标。"))
                return redirect("workplan_detail", pk=plan.pk)
        messages.error(request, INVALID)
    return render(
        request,
        "workplans/plan_form.html",
        {"form": form, "title": _("新建工作计划")},
        status=422 if form.errors else 200,
    )


def _plan_page(request, plan, *, target_form=None, initiative_form=None, status=200):
    user = request.user
    editable = selectors.may_edit(user) and plan.status == PlanStatus.DRAFT
    return render(
        request,
        "workplans/plan_detail.html",
        {
            "plan": plan,
            "targets": figures.target_rows(user, plan),
            "initiatives": selectors.initiatives_of(plan),
            "editable": editable,
            "may_add_initiative": selectors.may_edit(user),
            "may_publish": selectors.may_approve(user) and plan.status == PlanStatus.DRAFT,
            "target_form": target_form or TargetForm(),
            "initiative_form": initiative_form or InitiativeForm(user=user),
            "dashboard": figures.dashboard_link(
                figures.Period(plan.start, plan.end, plan.community_id).so_far()
            ),
            "title": plan.title,
        },
        status=status,
    )


@staff_required
def plan_detail(request, pk):
    _require_reader(request.user)
    return _plan_page(request, selectors.plan_get_for_user(request.user, pk))


@staff_required
@require_POST
def plan_action(request, pk, action):
    user = request.user
    _require_reader(user)
    plan = selectors.plan_get_for_user(user, pk)
    if action in ("target", "initiative", "remove-target") and not selectors.may_edit(user):
        raise PermissionDenied
    try:
        if action == "target":
            form = TargetForm(request.POST)
            if not form.is_valid():
                messages.error(request, INVALID)
                return _plan_page(request, plan, target_form=form, status=422)
            try:
                services.target_set(
                    by=user,
                    plan=plan,
                    metric=form.cleaned_data["metric"],
                    value=form.cleaned_data["value"],
                    comparison=form.cleaned_data["comparison"],
                )
            except ValidationError as error:
                add_service_error(form, error)
                messages.error(request, INVALID)
                return _plan_page(request, plan, target_form=form, status=422)
            messages.success(request, _("目标已保存。"))
        elif action == "initiative":
            form = InitiativeForm(request.POST, user=user)
            if not form.is_valid():
                messages.error(request, INVALID)
                return _plan_page(request, plan, initiative_form=form, status=422)
            try:
                services.initiative_add(
                    by=user,
                    plan=plan,
                    text=form.cleaned_data["text"],
                    owner=form.cleaned_data["owner"].user,
                    due=form.cleaned_data["due"],
                )
            except ValidationError as error:
                add_service_error(form, error)
                messages.error(request, INVALID)
                return _plan_page(request, plan, initiative_form=form, status=422)
            messages.success(request, _("举措已添加。"))
        elif action == "remove-target":
            target = request.POST.get("target", "")
            services.target_remove(
                by=user, plan=plan, target_id=int(target) if target.isdigit() else 0
            )
            messages.success(request, _("目标已删除。"))
        elif action == "done":
            item = request.POST.get("initiative", "")
            initiative = get_object_or_404(
                Initiative, plan=plan, pk=int(item) if item.isdigit() else 0
            )
            services.initiative_done(by=user, initiative=initiative)
            messages.success(request, _("举措已标记完成。"))
        elif action == "publish":
            services.plan_publish(by=user, plan=plan)
            messages.success(request, _("计划已发布。"))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _plan_page(request, plan, status=422)
    return redirect("workplan_detail", pk=plan.pk)
