"""Any ticket list as a workbook (issue #12 point 7): the queue page's tabs with their
filters and search, and the API's list with the same filters, through the one export path
(properties/exports.py: the export right, the stamp naming who exported it, one access-log
row with the filter and the row count).

The rows are those of the list as the user sees it, in the page's order (the same scoped
queue, filters and search, `filtered`). Residents' phone numbers are masked, unless the
exporter's post may reveal them (the company's `reveal_posts`): then they are in full and the
access-log row says so (`phones: full`). A list longer than `EXPORT_MAX_ROWS` is refused
(narrow the filters): the file is written as it is read, in chunks, within one request.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuyedesk.lib.privacy import mask_phone
from wuyedesk.properties.exports import export_response
from wuyedesk.properties.services import may_reveal, require_export
from wuyedesk.tickets import rows, selectors
from wuyedesk.tickets.choices import Channel, Kind, Severity, Status

# The most rows one export holds (docs/service-desk.md): a longer list is refused, so the
# file (written in one request, xlsxwriter's constant memory) stays a few megabytes.
EXPORT_MAX_ROWS = 20_000
_CHUNK = 1000
# The queues of the page's tabs and of the API's `queue`.
QUEUES = {
    "mine": gettext_lazy("我的工作"),
    "team": gettext_lazy("团队工单"),
    "department": gettext_lazy("部门队列"),
    "overdue": gettext_lazy("已超时"),
    "unassigned": gettext_lazy("未分配"),
    "return_visits": gettext_lazy("待回访"),
    "all": gettext_lazy("全部工单"),
}
EXPORT_COLUMNS = (
    "id",
    "number",
    "kind",
    "channel",
    "severity",
    "status",
    "category_id",
    "title",
    "contact_at",
    "created_at",
    "next_due",
    "overdue_since",
    "closed_at",
    "community__name",
    "room_id",
    "room__number",
    "room__unit__name",
    "room__unit__building__name",
    "resident__name",
    "resident__phone",
    "owner__staff__name",
    "department__name",
)
FILTER_NAMES = (
    "community",
    "kind",
    "category",
    "status",
    "severity",
    "channel",
    "date_from",
    "date_to",
    "resident",
    "department",
    "due",
    "attention",
)


def filtered(user, queue: str, data: dict):
    """The tickets of `queue` the user sees, with the list's filters and search applied, in
    the queue's order: what the queue page pages through and the API lists."""
    department = data.get("department")
    tickets = selectors.queue(
        user, queue, department_id=department if queue == "department" else None
    )
    tickets = selectors.filter_tickets(
        tickets,
        community=data.get("community"),
        kind=data.get("kind") or "",
        category=data.get("category"),
        status=data.get("status") or "",
        severity=data.get("severity") or "",
        channel=data.get("channel") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        resident=data.get("resident"),
        department=department if queue != "department" else None,
        due=data.get("due") or "",
        attention=data.get("attention") or "",
        due_field=selectors.due_field_of(queue),
    )
    return selectors.search(tickets, data.get("q") or "")


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _head() -> list[str]:
    return [
        _("编号"),
        _("类型"),
        _("渠道"),
        _("严重程度"),
        _("状态"),
        _("分类"),
        _("标题"),
        _("小区"),
        _("房号"),
        _("客户"),
        _("客户电话"),
        _("负责人"),
        _("当前处理部门"),
        _("联系时间"),
        _("受理时间"),
        _("期限"),
        _("已超时"),
        _("关闭时间"),
    ]


def _rows(ids: list[int], full_phones: bool):
    kinds, channels = dict(Kind.choices), dict(Channel.choices)
    severities, statuses = dict(Severity.choices), dict(Status.choices)
    categories = rows.category_labels()
    yes, no = _("是"), _("否")
    for start in range(0, len(ids), _CHUNK):
        for row in rows.by_ids(ids[start : start + _CHUNK], EXPORT_COLUMNS):
            phone = row["resident__phone"] or ""
            room = (
                f"{row['room__unit__building__name']}-{row['room__unit__name']}-"
                f"{row['room__number']}"
                if row["room_id"]
                else ""
            )
            yield [
                row["number"],
                str(kinds.get(row["kind"], row["kind"])),
                str(channels.get(row["channel"], row["channel"])),
                str(severities.get(row["severity"], row["severity"])),
                str(statuses.get(row["status"], row["status"])),
                categories.get(row["category_id"], ""),
                row["title"],
                row["community__name"] or "",
                room,
                row["resident__name"] or "",
                phone if full_phones else mask_phone(phone),
                row["owner__staff__name"] or "",
                row["department__name"] or "",
                _local(row["contact_at"]),
                _local(row["created_at"]),
                _local(row["next_due"]),
                yes if row["overdue_since"] and not row["closed_at"] else no,
                _local(row["closed_at"]),
            ]


def _loggable(value):
    value = getattr(value, "pk", value)
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def too_many_message() -> str:
    return _("结果超过 %(n)s 条,不能一次导出,请缩小筛选范围。") % {"n": EXPORT_MAX_ROWS}


def ticket_export(*, user, queue: str, label: str, data: dict):
    """The workbook of the list (PermissionDenied without the export right; ValidationError
    when it holds more than EXPORT_MAX_ROWS tickets)."""
    require_export(user)
    ids = list(filtered(user, queue, data).values_list("id", flat=True)[: EXPORT_MAX_ROWS + 1])
    if len(ids) > EXPORT_MAX_ROWS:
        raise ValidationError(too_many_message(), code="too_many")
    full_phones = may_reveal(user)
    kept = {"queue": queue, **{name: data.get(name) for name in ("q", *FILTER_NAMES)}}
    kept = {name: _loggable(value) for name, value in kept.items()}
    if full_phones:
        kept["phones"] = "full"
    return export_response(
        user=user,
        name=f"{_('工单')} - {label}",
        object_type="tickets.ticket",
        head=_head(),
        rows=_rows(ids, full_phones),
        filters=kept,
        filename="tickets",
    )
