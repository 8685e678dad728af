"""Import of a time clock's export (CSV or XLSX) into clock records (MGT-1).

Columns 工号 (employee_no), 日期 (date), 上班 (clock_in), 下班 (clock_out), times as HH:MM in
the company's time zone; a clock-out earlier than the clock-in is on the next day (a night
shift). All or nothing, as properties/importer.py: every row is checked first and any bad row
(with its line and column) stops the import before a single record is written. A row replaces
the times of the person's record of that day.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.models import Staff
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.lib import text
from wuyedesk.properties.importer import ImportFileError, read_table
from wuyedesk.staffing import rules
from wuyedesk.staffing.choices import ClockSource
from wuyedesk.staffing.models import ClockRecord

MAX_ROWS = 20_000
COLUMNS = (
    ("employee_no", "工号"),
    ("date", "日期"),
    ("clock_in", "上班"),
    ("clock_out", "下班"),
)

__all__ = ["ImportFileError", "clock_import"]


def _time(value: str):
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    raise ValueError


def _date(value: str):
    value = (value or "").strip()[:10].replace("/", "-")
    return dt.date.fromisoformat(value)


def parse(table, *, allowed: dict[str, int]):
    """(records, errors): records as dicts, errors as {row, column, message}."""
    if not table:
        raise ImportFileError(_("文件是空的。"))
    header = {str(h).strip().lower(): i for i, h in enumerate(table[0]) if h}
    index = {}
    for key, zh in COLUMNS:
        i = header.get(zh.lower(), header.get(key))
        if i is None:
            raise ImportFileError(_("缺少必需的列:%(cols)s") % {"cols": zh})
        index[key] = i
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    tz = timezone.get_default_timezone()
    records, errors, seen = [], [], set()
    labels = dict(COLUMNS)
    for number, raw in enumerate(body, start=2):
        if not any(raw):
            continue
        cells = {k: (raw[i] if i < len(raw) else "") for k, i in index.items()}

        def error(key, message, number=number):
            errors.append({"row": number, "column": labels[key], "message": str(message)})

        if any(text.clean_text(v) is None for v in cells.values()):
            error("employee_no", text.MESSAGE)
            continue
        user_id = allowed.get(cells["employee_no"].strip())
        if user_id is None:
            error("employee_no", _("找不到该工号,或不是您部门的员工。"))
            continue
        try:
            day = _date(cells["date"])
        except ValueError:
            error("date", _("日期格式应为 YYYY-MM-DD。"))
            continue
        try:
            start, end = _time(cells["clock_in"]), _time(cells["clock_out"])
        except ValueError:
            error("clock_in", _("时间格式应为 HH:MM。"))
            continue
        if start is None and end is None:
            error("clock_in", _("上班和下班时间不能都为空。"))
            continue
        if (user_id, day) in seen:
            error("date", _("同一员工同一天出现了两行。"))
            continue
        seen.add((user_id, day))
        clock_in = dt.datetime.combine(day, start, tzinfo=tz) if start else None
        clock_out = None
        if end is not None:
            out_day = day + dt.timedelta(days=1) if start and end < start else day
            clock_out = dt.datetime.combine(out_day, end, tzinfo=tz)
        records.append(
            {"user_id": user_id, "date": day, "clock_in": clock_in, "clock_out": clock_out}
        )
    return records, errors


@transaction.atomic
def clock_import(*, by, filename: str, content: bytes) -> dict:
    """{"imported": n, "errors": [...]}; nothing is written when there is an error."""
    if not rules.may_edit_rosters(by):
        raise PermissionDenied
    allowed = dict(
        Staff.objects.filter(
            department_id=rules.own_department_id(by), user__in=rules.staff_users(by)
        ).values_list("employee_no", "user_id")
    )
    records, errors = parse(read_table(filename, content), allowed=allowed)
    if errors:
        return {"imported": 0, "errors": errors}
    for record in records:
        ClockRecord.objects.update_or_create(
            user_id=record["user_id"],
            date=record["date"],
            defaults={
                "clock_in": record["clock_in"],
                "clock_out": record["clock_out"],
                "in_ip": None,
                "out_ip": None,
                "source": ClockSource.IMPORT,
            },
        )
    audit_record(
        actor=by,
        action=AuditAction.IMPORT,
        object_type="staffing.clockrecord",
        label=f"{filename} × {len(records)}",
        details={"rows": len(records)},
    )
    return {"imported": len(records), "errors": []}
