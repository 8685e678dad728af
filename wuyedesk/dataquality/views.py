"""Pages of the data-quality worklist (AST-3): the kinds with their counts and trend, each
kind's rows with its fix, the merge of two residents, and the forms that dismiss a row or
end occupancies. The assistant and the manager only; rows within the communities they see."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wuyedesk.accounts.decorators import staff_passes_test
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.dataquality import selectors, services
from wuyedesk.dataquality.choices import Problem
from wuyedesk.dataquality.forms import DismissForm, MergeForm
from wuyedesk.lib.paging import page_of
from wuyedesk.properties.selectors import residents_visible_to
from wuyedesk.tickets.selectors import tickets_visible_to

PAGE = 50


@staff_passes_test(selectors.may_keep)
def worklist(request):
    counts = selectors.problem_counts(request.user)
    trend = selectors.trend(request.user)
    kinds = [
        {"kind": kind, "n": counts[kind.value], "trend": trend.get(kind.value, [])}
        for kind in Problem
    ]
    return render(request, "dataquality/worklist.html", {"kinds": kinds, "title": _("数据质量")})


@staff_passes_test(selectors.may_keep)
def problem_list(request, kind):
    if kind not in Problem.values:
        raise Http404
    problem = Problem(kind)
    page = page_of(selectors.rows_of(request.user, kind), request.GET.get("page"), PAGE)
    return render(
        request,
        "dataquality/problem_list.html",
        {"problem": problem, "page": page, "query": "", "title": problem.label},
    )


def _pair(request, first, second):
    residents = residents_visible_to(request.user).filter(archived_at__isnull=True)
    found = residents.in_bulk([first, second])
    if len(found) != 2 or first == second:
        raise Http404
    return [found[first], found[second]]


def _holdings(user, resident) -> dict:
    return {
        "tickets": tickets_visible_to(user).filter(resident=resident).count(),
        "occupancies": resident.occupancies.count(),
    }


@staff_passes_test(selectors.may_keep)
def merge(request, first: int, second: int):
    """Choose which record survives; the other's rows move to it and it is archived."""
    pair = _pair(request, first, second)
    form = MergeForm(request.POST or None, pair=pair, initial={"survivor": pair[0].pk})
    if request.method == "POST" and form.is_valid():
        survivor = form.cleaned_data["survivor"]
        duplicate = second if survivor == first else first
        if survivor in (first, second):
            try:
                services.residents_merge(
                    by=request.user, survivor_id=survivor, duplicate_id=duplicate
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("已合并住户档案。"))
                return redirect("record_detail", "residents", survivor)
        else:
            form.add_error("survivor", _("请选择保留的档案。"))
    rows = [{"resident": r, **_holdings(request.user, r)} for r in pair]
    return render(
        request,
        "dataquality/merge.html",
        {"form": form, "rows": rows, "title": _("合并住户档案")},
    )


@staff_passes_test(selectors.may_keep, methods=["POST"])
def dismiss(request):
    form = DismissForm(request.POST)
    kind = request.POST.get("kind", "")
    if form.is_valid():
        try:
            services.problem_dismiss(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已标记为不是问题,不再列出。"))
    else:
        messages.error(request, _("请求无效。"))
    if kind in Problem.values:
        return redirect("dataquality_kind", kind)
    return redirect("dataquality_worklist")


@staff_passes_test(selectors.may_keep, methods=["POST"])
def occupancies_end(request):
    try:
        n = services.occupancies_end(by=request.user, ids=request.POST.getlist("ids"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已结束 %(n)s 条入住关系。") % {"n": n})
    return redirect(reverse("dataquality_kind", args=[Problem.STALE_OCCUPANCY.value]))
