"""The figures of a policy document's periodic evaluation (issue #14 point 7, POL-3).

policies opens the evaluation on the review date but sits below tickets, so it cannot count
tickets itself: this module computes the figures and reports registers it with
`policies.services.evaluations.register_figures` at start-up (reports/receivers.py). The
figures are the dashboard's (metrics.RATES) over every ticket whose customer contact fell
in the period, each with the link to the dashboard's list of the tickets behind it
(/reports/tickets/, which shows each reader only the tickets of their communities).
"""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.reports import metrics
from wuyedesk.tickets.choices import Kind, Status
from wuyedesk.tickets.models import Ticket

CLOCKS = ("follow_up_on_time", "investigation_on_time")
VISITS = ("return_visit", "satisfied", "rated_well")


def _tickets(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return Ticket.objects.filter(
        contact_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        contact_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def _link(start, end, **params) -> str:
    query = {"start": start.isoformat(), "end": end.isoformat(), **params}
    return f"{reverse('report_tickets')}?{urlencode(query)}"


def _rate_row(qs, name, start, end) -> dict:
    figure = metrics.rate(qs, name)
    return {
        "name": name,
        "label": str(figure["label"]),
        "value": figure["numerator"],
        "denominator": figure["denominator"],
        "percent": figure["percent"],
        "link": _link(start, end, metric=name, part="numerator"),
        "denominator_link": _link(start, end, metric=name, part="denominator"),
    }


def _months(start: dt.date, end: dt.date):
    first = start.replace(day=1)
    while first <= end:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        yield max(first, start), min(following - dt.timedelta(days=1), end)
        first = following


def figures(start: dt.date, end: dt.date) -> dict:
    """{"start", "end", "groups": [{"label", "rows": [figure…]}]} for the period."""
    qs = _tickets(start, end)
    complaints = qs.filter(kind=Kind.COMPLAINT)
    by_status = dict(complaints.values_list("status").annotate(n=Count("id")))
    by_outcome = dict(complaints.exclude(outcome="").values_list("outcome").annotate(n=Count("id")))
    complaint_rows = [
        {
            "name": "complaints",
            "label": _("投诉总数"),
            "value": complaints.count(),
            "percent": None,
            "link": _link(start, end, kind=Kind.COMPLAINT),
        }
    ]
    complaint_rows += [
        {
            "name": f"complaints_{status.value}",
            "label": str(status.label),
            "value": by_status.get(status.value, 0),
            "percent": None,
            "link": _link(start, end, kind=Kind.COMPLAINT, status=status.value),
        }
        for status in Status
        if by_status.get(status.value)
    ]
    complaint_rows += [
        {
            "name": f"outcome_{outcome}",
            "label": _("结果:%(o)s")
            % {"o": dict(Ticket._meta.get_field("outcome").flatchoices).get(outcome, outcome)},
            "value": n,
            "percent": None,
            "link": "",
        }
        for outcome, n in sorted(by_outcome.items())
    ]
    trend = []
    for month_start, month_end in _months(start, end):
        row = _rate_row(_tickets(month_start, month_end), "satisfied", month_start, month_end)
        row["name"] = f"satisfied_{month_start:%Y-%m}"
        row["label"] = month_start.strftime("%Y-%m")
        trend.append(row)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "groups": [
            {"label": _("时限达成"), "rows": [_rate_row(qs, n, start, end) for n in CLOCKS]},
            {"label": _("投诉及结果"), "rows": complaint_rows},
            {"label": _("回访与满意"), "rows": [_rate_row(qs, n, start, end) for n in VISITS]},
            {"label": _("满意度趋势(回访满意率,按月)"), "rows": trend},
        ],
    }
