"""The dashboard's figures as a workbook (#12 point 5), through the one export path
(properties/exports.py): the export right (the company's export posts), the stamp naming
who exported it, and one access-log row with the scope used."""

from django.utils.translation import gettext as _

from wuyedesk.properties.exports import export_response
from wuyedesk.reports import metrics


def _rows(data: dict):
    period, before = _("本期"), _("上期")
    yield [_("时间段"), period, f"{data['period']['start']} ~ {data['period']['end']}", ""]
    yield [
        _("时间段"),
        before,
        f"{data['previous_period']['start']} ~ {data['previous_period']['end']}",
        "",
    ]
    figures, share = _("指标"), _("分子/分母")
    yield [figures, _("工单总数"), data["total"], data["previous_total"]]
    for r in data["rates"]:
        yield [figures, f"{r['label']} (%)", r["percent"], r["previous_percent"]]
        yield [
            figures,
            f"{r['label']} ({share})",
            f"{r['numerator']}/{r['denominator']}",
            f"{r['previous_numerator']}/{r['previous_denominator']}",
        ]
    yield [figures, _("客户评价"), data["ratings"]["average"], data["previous_ratings"]["average"]]
    yield [figures, _("评价数"), data["ratings"]["n"], data["previous_ratings"]["n"]]
    yield [_("当前超时"), _("当前超时"), data["overdue_now"], ""]
    for k in data["by_kind"]:
        yield [_("按类型"), k["label"], k["n"], k["previous"]]
    for s in data["by_status"]:
        yield [_("按状态"), s["label"], s["n"], ""]
    for c in data["categories"]:
        yield [_("按分类"), c["label"], c["n"], ""]
    for s in data["satisfaction"]:
        yield [_("回访满意度"), s["label"], s["n"], ""]
    trend = _("按日趋势") if data["trend_by"] == "day" else _("按周趋势")
    for t in data["trend"]:
        label = t["start"] if t["start"] == t["end"] else f"{t['start']} ~ {t['end']}"
        yield [trend, label, t["n"], ""]


def dashboard_export(*, user, scope: metrics.Scope):
    """The workbook of the figures the dashboard shows for `scope` (PermissionDenied without
    the export right)."""
    data = metrics.dashboard(user, scope)
    return export_response(
        user=user,
        name=_("客服数据看板"),
        object_type="reports.dashboard",
        head=[_("分组"), _("指标"), _("本期"), _("上期")],
        rows=_rows(data),
        filters={
            "start": scope.start.isoformat(),
            "end": scope.end.isoformat(),
            "community": scope.community_id,
            "department": scope.department_id,
            "owner": scope.owner_id,
        },
        filename="dashboard",
    )
