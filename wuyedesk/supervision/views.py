"""Pages of the supervision group: the overview (figures of the month, the group, the lists),
members, checklists and sampling plans (with the worker's progress). Inspections and
calibrations are in views_inspections.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.lib.paging import page_of
from wuyedesk.supervision import access, selectors
from wuyedesk.supervision.forms import AppointForm, ChecklistForm, PlanForm
from wuyedesk.supervision.models import Checklist, GroupMember
from wuyedesk.supervision.services import group, sampling


def fix() -> str:
    return _("请更正下面标出的错误,内容尚未保存。")


@staff_required
def overview(request):
    user = request.user
    start, end = selectors.this_month()
    inspector = access.is_inspector(user)
    return render(
        request,
        "supervision/overview.html",
        {
            "figures": selectors.inspection_figures(user, start, end),
            "start": start,
            "end": end,
            "counts": selectors.home_counts(user) if inspector else None,
            "links": selectors.home_links(),
            "members": selectors.members(),
            "plans": selectors.plans_visible_to(user)[:5],
            "is_inspector": inspector,
            "may_appoint": access.may_appoint(user),
            "may_plan": access.may_plan(user),
            "title": _("监督检查"),
        },
    )


@staff_required
def members(request):
    user = request.user
    form = AppointForm(request.POST or None, user=user)
    if request.method == "POST":
        if not access.may_appoint(user):
            raise PermissionDenied
        if form.is_valid():
            try:
                group.member_appoint(by=user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已任命监督小组成员。"))
                return redirect("supervision:members")
        messages.error(request, fix())
    return render(
        request,
        "supervision/members.html",
        {
            "members": selectors.members(),
            "form": form,
            "may_appoint": access.may_appoint(user),
            "title": _("监督小组成员"),
        },
        status=422 if request.method == "POST" else 200,
    )


@staff_required
@require_POST
def member_end(request, pk):
    member = get_object_or_404(GroupMember, pk=pk)
    try:
        group.member_end(by=request.user, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已卸任。"))
    return redirect("supervision:members")


@staff_required
def checklists(request):
    return render(
        request,
        "supervision/checklists.html",
        {
            "checklists": selectors.checklists(),
            "may_keep": access.may_keep_checklists(request.user),
            "title": _("检查表"),
        },
    )


@staff_required
def checklist_detail(request, pk):
    checklist = get_object_or_404(selectors.checklists(), pk=pk)
    return render(
        request,
        "supervision/checklist.html",
        {
            "checklist": checklist,
            "may_keep": access.may_keep_checklists(request.user),
            "title": str(checklist),
        },
    )


@staff_required
def checklist_new(request):
    user = request.user
    if not access.may_keep_checklists(user):
        raise PermissionDenied
    initial = {}
    base = request.GET.get("from")
    if base and base.isdigit():
        found = Checklist.objects.filter(pk=base).first()
        if found is not None:
            initial = {
                "post": found.post,
                "title": found.title,
                "items": group.format_lines(found),
            }
    form = ChecklistForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                checklist = group.checklist_save(
                    by=user, items=group.parse_lines(data.pop("items")), **data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已保存新版本检查表。"))
                return redirect("supervision:checklist", pk=checklist.pk)
        messages.error(request, fix())
    return render(
        request,
        "supervision/form.html",
        {"form": form, "title": _("新版本检查表"), "back": reverse("supervision:checklists")},
        status=422 if request.method == "POST" else 200,
    )


@staff_required
def plans(request):
    user = request.user
    if not (access.may_plan(user) or access.is_member(user)):
        raise PermissionDenied
    form = PlanForm(request.POST or None, user=user)
    if request.method == "POST":
        if not access.may_plan(user):
            raise PermissionDenied
        if form.is_valid():
            try:
                plan = sampling.plan_create(by=user, **form.cleaned_data)
                sampling.plan_request_sample(by=user, plan=plan)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已创建检查计划,正在抽样。"))
                return redirect("supervision:plan", pk=plan.pk)
        messages.error(request, fix())
    page = page_of(selectors.plans_visible_to(user), request.GET.get("page"), 50)
    return render(
        request,
        "supervision/plans.html",
        {
            "page": page,
            "form": form,
            "may_plan": access.may_plan(user),
            "title": _("检查计划"),
        },
        status=422 if request.method == "POST" else 200,
    )


def _plan(request, pk):
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)


@staff_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    rows = (
        selectors.inspections_visible_to(request.user)
        .filter(plan=plan)
        .order_by("inspected__staff__name", "kind", "sample_rank")
    )
    return render(
        request,
        "supervision/plan.html",
        {
            "plan": plan,
            "page": page_of(rows, request.GET.get("page"), 100),
            "title": _("检查计划 %(month)s") % {"month": plan.month.strftime("%Y-%m")},
        },
    )


@staff_required
def plan_progress(request, pk):
    """The sampling's state as a page fragment (htmx polls it until the worker is done)."""
    return render(request, "supervision/_plan_progress.html", {"plan": _plan(request, pk)})


@staff_required
@require_POST
def plan_sample(request, pk):
    plan = _plan(request, pk)
    try:
        sampling.plan_request_sample(by=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("supervision:plan", pk=plan.pk)
