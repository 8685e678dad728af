"""The quality figures of the supervisor's and the executive's homes (issue #12 point 1): the
dashboard's rates over the last DAYS days beside the DAYS before, each opening the
dashboard's list of the tickets behind it, and the communities with the most complaints.
web/home.py keeps the result in the cache (`_kept`)."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.reports import metrics
from wuyedesk.tickets.choices import Kind

# The period of the figures, and how many communities the "most complaints" table names.
DAYS = 30
WORST = 5


def period(user) -> dict:
    today = timezone.localdate()
    now = metrics.Scope(start=today - dt.timedelta(days=DAYS - 1), end=today)
    before = metrics.Scope(
        start=now.start - dt.timedelta(days=DAYS), end=now.start - dt.timedelta(days=1)
    )
    current = _rows(metrics.scoped_tickets(user, now))
    previous = {r["name"]: r for r in _rows(metrics.scoped_tickets(user, before))}
    drill = reverse("report_tickets")
    period = {"start": now.start.isoformat(), "end": now.end.isoformat()}
    figures = []
    for row in current:
        name = row["name"]
        if name == "total":
            url = f"{drill}?{urlencode(period)}"
        else:
            url = f"{drill}?{urlencode({**period, 'metric': name, 'part': 'numerator'})}"
        was = previous[name]
        if name == "total":
            change, unit = row["numerator"] - was["numerator"], ""
        elif row["percent"] is None or was["percent"] is None:
            change, unit = None, ""
        else:
            change, unit = round(row["percent"] - was["percent"], 1), _("个百分点")
        figures.append(
            {
                **row,
                "label": row.get("label", _("登记工单")),
                "url": url,
                "before": was,
                "change": change,
                "unit": unit,
            }
        )
    worst = metrics.complaints_by_community(user, now, WORST)
    for row in worst:
        row["url"] = (
            f"{drill}?{urlencode({**period, 'community': row['id'], 'kind': Kind.COMPLAINT})}"
        )
    return {
        "figures": figures,
        "worst": worst,
        "period": now,
        "quality_days": DAYS,
        "dashboard": f"{reverse('dashboard')}?{urlencode(period)}",
    }


def _rows(qs) -> list[dict]:
    """The number of tickets and every rate of the dashboard, in one query."""
    rows, total = metrics.rates(qs)
    return [{"name": "total", "numerator": total}, *rows]
