from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.reports import metrics
from wuyedesk.reports.forms import ScopeForm
from wuyedesk.tickets.selectors import LIST_RELATED

REPORT_POSTS = (Post.MANAGER, Post.EXECUTIVE, Post.ADMIN, Post.SUPERVISOR)


def _scope_form(request):
    if not has_post(request.user, *REPORT_POSTS):
        raise PermissionDenied
    form = ScopeForm(request.GET, user=request.user)
    return form


@staff_required
def dashboard(request):
    form = _scope_form(request)
    data = metrics.dashboard(request.user, form.scope()) if form.is_valid() else None
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "data": data,
            "query": form.data and _query(form),
            "title": _("客服数据看板"),
        },
    )


def _query(form) -> str:
    from urllib.parse import urlencode

    return urlencode(
        {k: form.data.get(k, "") for k in ("start", "end", "community", "department", "owner")}
    )


@staff_required
def drill_down(request):
    """The tickets behind one number of the dashboard."""
    form = _scope_form(request)
    if not form.is_valid():
        raise Http404
    qs = metrics.scoped_tickets(request.user, form.scope())
    metric, part = request.GET.get("metric", ""), request.GET.get("part", "denominator")
    label = _("工单")
    if metric in metrics.RATES:
        qs = metrics.drill(qs, metric, part)
        label = str(metrics.RATES[metric][0])
    elif metric == "overdue":
        qs = metrics.tickets_visible_to(request.user).overdue()
        label = _("当前超时")
    for field in ("kind", "status", "category", "satisfaction"):
        value = request.GET.get(field)
        if value:
            qs = qs.filter(**{f"{field}_id" if field == "category" else field: value})
    page = Paginator(qs.select_related(*LIST_RELATED).order_by("-id"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/drill.html",
        {
            "page": page,
            "label": label,
            "query": query.urlencode(),
            "back": _query(form),
            "title": label,
        },
    )
