"""The one writer of spreadsheet files (XLSX and CSV) that WuyeDesk hands out.

Every value a person typed (a resident's name, survey free text sent through the anonymous
link) may begin with `=`, `+`, `-` or `@`, which a spreadsheet program would run as a
formula (CSV/formula injection, OWASP). Here such a value is always text:

- XLSX: every string is written as a string cell (`write_string`, and the workbook refuses
  to turn strings into formulas, numbers or links); a string that looks like a formula
  also gets Excel's quote prefix, so editing the cell later does not turn it into one.
- CSV: such a value is prefixed with an apostrophe, as OWASP recommends.

Numbers stored as numbers stay numbers (a negative amount is not text).
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

import xlsxwriter

# Characters that make a spreadsheet program read a cell as a formula (OWASP), and the
# tab and carriage return that some programs skip before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SKIPPED = " \t\r\n"

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "constant_memory": True,  # rows go to disk as written: a large export keeps little
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "remove_timezone": True,
}


def looks_like_formula(text: str) -> bool:
    return bool(text) and (
        text.startswith(FORMULA_STARTS) or text.lstrip(_SKIPPED).startswith(FORMULA_STARTS)
    )


def _plain(value):
    """A value as the file holds it: numbers as numbers, everything else as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_cell(value) -> str | int | float | bool:
    value = _plain(value)
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def xlsx_bytes(
    *,
    title: str,
    head: Sequence[str],
    rows: Iterable[Sequence],
    stamp: str = "",
    author: str = "",
    created: dt.datetime | None = None,
) -> tuple[bytes, int]:
    """(file, number of data rows). `stamp` is a visible first line (who exported it and when)
    and the workbook's comments; `author` and `created` go into the workbook's properties."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    properties = {"title": title, "author": author, "comments": stamp}
    if created is not None:
        properties["created"] = created.astimezone(dt.UTC).replace(tzinfo=None)
    book.set_properties(properties)
    sheet = book.add_worksheet(_sheet_name(title))
    bold = book.add_format({"bold": True})
    quoted = book.add_format({"quote_prefix": True})
    row_no = 0
    if stamp:
        sheet.write_string(0, 0, stamp)
        row_no = 1
    for col, label in enumerate(head):
        sheet.write_string(row_no, col, str(label), bold)
    sheet.freeze_panes(row_no + 1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            _write(sheet, row_no + count, col, _plain(value), quoted)
    book.close()
    return buffer.getvalue(), count


def _write(sheet, row: int, col: int, value, quoted) -> None:
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value)
    elif value == "":
        return
    else:
        sheet.write_string(row, col, value, quoted if looks_like_formula(value) else None)


def csv_bytes(
    *, head: Sequence[str], rows: Iterable[Sequence], stamp: str = ""
) -> tuple[bytes, int]:
    """(UTF-8 file with a byte-order mark, so spreadsheet programs read Chinese, row count)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if stamp:
        writer.writerow([csv_cell(stamp)])
    writer.writerow([csv_cell(label) for label in head])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


def _sheet_name(title: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return (cleaned or "Sheet1")[:31]
