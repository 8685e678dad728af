"""Pages of the improvement plan: list, board, the manager's overview, an item with its
progress, and the forms to create, edit, report progress and verify."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.improvements import selectors, services
from wuyedesk.improvements.choices import ItemStatus
from wuyedesk.improvements.forms import FilterForm, ItemForm, ProgressForm, VerifyForm
from wuyedesk.lib.paging import page_of
from wuyedesk.reports import survey_analysis

BOARD_LIMIT = 100  # cards per column; the list pages through the rest


def _filtered(request):
    form = FilterForm(request.GET or None, user=request.user)
    items = selectors.filter_items(selectors.items_visible_to(request.user), **form.filters())
    query = request.GET.copy()
    query.pop("page", None)
    return form, items, query.urlencode()


@staff_required
def item_list(request):
    form, items, query = _filtered(request)
    page = page_of(items.order_by("due", "-id"), request.GET.get("page"), 50)
    return render(
        request,
        "improvements/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "can_plan": services.may_plan(request.user),
            "title": _("改进计划"),
        },
    )


@staff_required
def item_board(request):
    form, items, query = _filtered(request)
    columns = []
    for status in ItemStatus:
        cards = list(items.filter(status_now=status).order_by("due", "-id")[: BOARD_LIMIT + 1])
        columns.append(
            {
                "status": status,
                "cards": cards[:BOARD_LIMIT],
                "more": len(cards) > BOARD_LIMIT,
            }
        )
    return render(
        request,
        "improvements/board.html",
        {"form": form, "columns": columns, "query": query, "title": _("改进看板")},
    )


@staff_required
def item_overview(request):
    return render(
        request,
        "improvements/overview.html",
        {"rows": selectors.overview(request.user), "title": _("改进计划总览")},
    )


def _survey_refs(request, data):
    """The campaign and dimension a survey finding refers to, looked up in the caller's scope."""
    return survey_analysis.finding_refs(request.user, data.get("campaign"), data.get("dimension"))


@staff_required
def item_create(request):
    if not services.may_plan(request.user):
        raise PermissionDenied
    form = ItemForm(request.POST or None, initial=request.GET.dict(), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            survey = _survey_refs(request, data) if data["source"] == "survey" else {}
            data.pop("campaign", None)
            data.pop("dimension", None)
            item = services.item_create(by=request.user, **data, **survey)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已创建改进事项。"))
            return redirect("improvement_detail", pk=item.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(request, "improvements/form.html", {"form": form, "title": _("新建改进事项")})


@staff_required
def item_edit(request, pk):
    item = selectors.item_get_for_user(request.user, pk)
    if not services.may_plan(request.user, item.community_id):
        raise PermissionDenied
    initial = {name: getattr(item, name) for name in services.EDITABLE}
    form = ItemForm(request.POST or None, initial=initial, user=request.user, editing=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("improvement_detail", pk=item.pk)
    if request.method == "POST":
        messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return render(
        request,
        "improvements/form.html",
        {"form": form, "object": item, "title": _("编辑改进事项")},
    )


def _detail(request, item, progress_form=None, verify_form=None, status=200):
    user = request.user

    return render(
        request,
        "improvements/detail.html",
        {
            "item": item,
            "updates": selectors.updates_of(item),
            "effect": survey_analysis.item_effect(user, item),
            "progress_form": progress_form or ProgressForm(),
            "verify_form": verify_form or VerifyForm(),
            "may_work": services.may_work(user, item),
            "may_plan": services.may_plan(user, item.community_id),
            "may_verify": services.may_verify(user, item) and item.status_now == ItemStatus.DONE,
            "title": item.title,
        },
        status=status,
    )


@staff_required
def item_detail(request, pk):
    return _detail(request, selectors.item_get_for_user(request.user, pk))


@staff_required
@require_POST
def item_progress(request, pk):
    item = selectors.item_get_for_user(request.user, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.item_progress(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已记录进展。"))
            return redirect("improvement_detail", pk=item.pk)
    messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return _detail(request, item, progress_form=form, status=422)


@staff_required
@require_POST
def item_verify(request, pk):
    item = selectors.item_get_for_user(request.user, pk)
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.item_verify(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已记录验证结果。"))
            return redirect("improvement_detail", pk=item.pk)
    messages.error(request, _("请更正下面标出的错误,内容尚未保存。"))
    return _detail(request, item, verify_form=form, status=422)
