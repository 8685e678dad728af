"""The figures a target may be set for, and a target against its actual (MGR-1).

Every actual is computed live by the functions the dashboard and the survey analysis use
(`reports.metrics` over the tickets of the plan's scope and period, `reports.survey_analysis`
for the satisfaction index and the households): nothing here counts a figure a second way.
A target's light: green when met, amber when missed by no more than the regulation's
`target_amber_margin` (PolicySettings, in the figure's own unit), red beyond it.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuyedesk.policies.services import policy
from wuyedesk.reports import metrics, survey_analysis
from wuyedesk.surveys.selectors import campaigns_visible_to
from wuyedesk.tickets.choices import Kind
from wuyedesk.workplans.choices import Comparison, Light

# The dashboard's rates a target may be set for (metrics.RATES), in percent.
RATE_METRICS = (
    "follow_up_on_time",
    "investigation_on_time",
    "return_visit",
    "satisfied",
    "rated_well",
    "first_contact",
    "recorded_late",
)
COMPLAINTS_PER_100 = "complaints_per_100"
SURVEY_INDEX = "survey_index"
# name -> (label, unit, usual comparison)
METRICS = {
    **{
        name: (
            metrics.RATES[name][0],
            "%",
            Comparison.AT_MOST if name == "recorded_late" else Comparison.AT_LEAST,
        )
        for name in RATE_METRICS
    },
    COMPLAINTS_PER_100: (_("每百户投诉数"), "", Comparison.AT_MOST),
    SURVEY_INDEX: (_("满意度指数(调查)"), "", Comparison.AT_LEAST),
}


def metric_choices() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, (label, _unit, _c) in METRICS.items()]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    community_id: int | None = None

    def so_far(self, today: dt.date | None = None) -> "Period":
        """The part of the period that has begun (a running plan is judged on its days so
        far)."""
        today = today or timezone.localdate()
        return Period(self.start, min(self.end, max(today, self.start)), self.community_id)

    @property
    def scope(self) -> metrics.Scope:
        return metrics.Scope(start=self.start, end=self.end, community_id=self.community_id)


def dashboard_link(period: Period, **params) -> str:
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if period.community_id:
        query["community"] = period.community_id
    return f"{reverse('dashboard')}?{urlencode({**query, **params})}"


def drill_link(period: Period, **params) -> str:
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if period.community_id:
        query["community"] = period.community_id
    return f"{reverse('report_tickets')}?{urlencode({**query, **params})}"


def households(user, community_id: int | None) -> int:
    pops = survey_analysis.populations(user)
    return pops["community"].get(community_id, 0) if community_id else pops["all"]


def complaints_per_100(user, period: Period, complaints: int | None = None) -> float | None:
    if complaints is None:
        complaints = metrics.scoped_tickets(user, period.scope).filter(kind=Kind.COMPLAINT).count()
    homes = households(user, period.community_id)
    return round(100 * complaints / homes, 2) if homes else None


def survey_index(user, period: Period) -> tuple[float | None, dict | None]:
    """The satisfaction index of the newest campaign that began in the period (the survey
    analysis's weighted index, of the community when the period has one), and the campaign."""
    campaign = (
        campaigns_visible_to(user)
        .filter(period_start__gte=period.start, period_start__lte=period.end)
        .order_by("-period_start")
        .first()
    )
    if campaign is None:
        return None, None
    rows = survey_analysis.campaign_rows(user, campaign)
    if period.community_id:
        rows = [r for r in rows if r["community"] == period.community_id]
    _confidence, z = survey_analysis.confidence_z()
    dims = survey_analysis.dimension_info()
    weights, share = survey_analysis.regulation_numbers(dims)
    data = survey_analysis.analyse(rows, z=z, dimensions=dims, weights=weights, target_share=share)
    index = data["total"]["index"]
    return (
        round(index, 1) if index is not None else None,
        {"id": campaign.pk, "quarter": campaign.quarter},
    )


def actuals(user, period: Period, names) -> dict[str, dict]:
    """{metric: {"value", "link"}} for the named metrics over the period: the rates in one
    query of the dashboard's (metrics.rates), the others as the dashboard and the survey
    analysis compute them."""
    names = list(names)
    out: dict[str, dict] = {}
    rate_names = [n for n in names if n in RATE_METRICS]
    qs = metrics.scoped_tickets(user, period.scope)
    if rate_names:
        rows, _total = metrics.rates(qs, rate_names)
        for row in rows:
            out[row["name"]] = {
                "value": row["percent"],
                "numerator": row["numerator"],
                "denominator": row["denominator"],
                "link": drill_link(period, metric=row["name"], part="numerator"),
            }
    if COMPLAINTS_PER_100 in names:
        out[COMPLAINTS_PER_100] = {
            "value": complaints_per_100(user, period),
            "link": drill_link(period, kind=Kind.COMPLAINT.value),
        }
    if SURVEY_INDEX in names:
        value, campaign = survey_index(user, period)
        link = ""
        if campaign:
            link = reverse("survey_analysis", kwargs={"pk": campaign["id"]})
        out[SURVEY_INDEX] = {"value": value, "link": link}
    return out


def light(comparison: str, target: Decimal, actual, margin: Decimal) -> str:
    if actual is None:
        return Light.NONE
    actual, target = Decimal(str(actual)), Decimal(target)
    gap = target - actual if comparison == Comparison.AT_LEAST else actual - target
    if gap <= 0:
        return Light.GREEN
    return Light.AMBER if gap <= margin else Light.RED


def amber_margin() -> Decimal:
    return Decimal(policy().target_amber_margin)


def target_rows(user, plan, *, today: dt.date | None = None) -> list[dict]:
    """Each target of the plan with its actual over the plan's period so far and its light."""
    targets = list(plan.targets.all())
    if not targets:
        return []
    period = Period(plan.start, plan.end, plan.community_id).so_far(today)
    values = actuals(user, period, {t.metric for t in targets})
    margin = amber_margin()
    rows = []
    for t in targets:
        label, unit, _usual = METRICS.get(t.metric, (t.metric, "", ""))
        actual = values.get(t.metric, {"value": None, "link": ""})
        rows.append(
            {
                "id": t.pk,
                "metric": t.metric,
                "label": str(label),
                "unit": unit,
                "comparison": t.comparison,
                "comparison_label": str(Comparison(t.comparison).label),
                "target": float(t.value),
                "actual": actual["value"],
                "link": actual["link"],
                "light": str(light(t.comparison, t.value, actual["value"], margin)),
            }
        )
    return rows
