from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from wuyedesk.accounts.decorators import staff_required
from wuyedesk.properties.services import may_export
from wuyedesk.reports import metrics
from wuyedesk.reports.dashboard_export import dashboard_export
from wuyedesk.reports.forms import ScopeForm
from wuyedesk.tickets.selectors import LIST_RELATED

# Panels of the dashboard that higher apps add (registered at start-up in their
# receivers.py; reports cannot import them): fn(user, scope) -> {"template", ...} or None.
# workplans registers the targets of the current work plans (MGR-1).
PANELS = []


def register_panel(fn) -> None:
    if fn not in PANELS:
        PANELS.append(fn)


def _panels(user, scope) -> list[dict]:
    return [panel for panel in (fn(user, scope) for fn in PANELS) if panel]


def _scope_form(request):
    if not metrics.may_read_reports(request.user):
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
            "panels": _panels(request.user, form.scope()) if data else [],
            "query": _query(form),
            "may_export": may_export(request.user),
            "title": _("客服数据看板"),
        },
    )


def _query(form) -> str:
    """The scope as a query string (the chosen or default period and filters)."""
    values = {k: form.data.get(k, "") for k in ScopeForm.FIELDS}
    return urlencode({k: v for k, v in values.items() if v})


@staff_required
def dashboard_xlsx(request):
    """The dashboard's figures as a workbook, within the export right (the company's export
    posts); each export is in the access log."""
    form = _scope_form(request)
    if not form.is_valid():
        raise Http404
    return dashboard_export(user=request.user, scope=form.scope())


@staff_required
def drill_down(request):
    """The tickets behind one number of the dashboard."""
    form = _scope_form(request)
    if not form.is_valid():
        raise Http404
    scope = form.scope()
    qs = metrics.scoped_tickets(request.user, scope)
    metric, part = request.GET.get("metric", ""), request.GET.get("part", "denominator")
    label = _("工单")
    if metric in metrics.RATES:
        qs = metrics.drill(qs, metric, part)
        label = str(metrics.RATES[metric][0])
    elif metric == "overdue":
        qs = metrics.overdue_now(request.user, scope)
        label = _("当前超时")
    for field in ("kind", "status", "category", "satisfaction"):
        value = request.GET.get(field)
        if value and (field != "category" or value.isdigit()):
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
