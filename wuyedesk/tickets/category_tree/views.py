"""工单分类 /settings/categories/: the manager's and administrator's category tree editor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.tickets.category_tree.forms import CategoryForm
from wuyedesk.tickets.category_tree.services import (
    CATEGORY_EDITORS,
    category_create,
    category_move,
    category_set_active,
    category_tree,
    category_update,
)
from wuyedesk.tickets.models import Category


def _page(request, form, editing=None, status=200):
    return render(
        request,
        "tickets/category_tree.html",
        {"title": _("工单分类"), "form": form, "editing": editing, "tree": category_tree()},
        status=status,
    )


@staff_required
def category_tree_page(request):
    require_post(request.user, *CATEGORY_EDITORS)
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                category_create(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("分类已添加。"))
                return redirect("category_tree")
        return _page(request, form, status=400)
    return _page(request, form)


@staff_required
def category_edit(request, pk: int):
    require_post(request.user, *CATEGORY_EDITORS)
    category = get_object_or_404(Category.objects.select_related("parent"), pk=pk)
    initial = {
        "parent": category.parent_id,
        "name": category.name,
        "name_en": category.name_en,
        "default_department": category.default_department_id,
    }
    form = CategoryForm(request.POST or None, initial=initial, category=category)
    if request.method == "POST":
        if form.is_valid():
            try:
                category_update(by=request.user, category=category, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("分类已保存。"))
                return redirect("category_tree")
        return _page(request, form, category, status=400)
    return _page(request, form, category)


@staff_required
@require_POST
def category_action(request, pk: int, action: str):
    """上移 / 下移 / 停用 / 启用."""
    require_post(request.user, *CATEGORY_EDITORS)
    category = get_object_or_404(Category.objects.select_related("parent"), pk=pk)
    try:
        if action in ("up", "down"):
            category_move(by=request.user, category=category, direction=action)
        elif action in ("deactivate", "activate"):
            category_set_active(by=request.user, category=category, active=action == "activate")
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已保存。"))
    return redirect("category_tree")
