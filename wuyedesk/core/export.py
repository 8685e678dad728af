"""XLSX export of a list as shown: same scope, same filters, personal data masked (MGT-3)."""

import io

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core.resources import resolve_attr


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def xlsx_bytes(*, resource, queryset) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet(str(resource.verbose_name_plural)[:31])
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, ["ID", *[str(c.label) for c in resource.columns]], bold)
    count = 0
    for count, obj in enumerate(queryset.iterator(chunk_size=2000), start=1):
        values = [_cell(resolve_attr(obj, c.attr)) for c in resource.columns]
        sheet.write_row(count, 0, [obj.pk, *values])
    book.close()
    return buffer.getvalue(), count


def xlsx_response(*, user, resource, queryset) -> HttpResponse:
    data, count = xlsx_bytes(resource=resource, queryset=queryset)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=resource.model._meta.label_lower,
        label=f"{resource.verbose_name_plural} × {count}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{resource.key}-{stamp}.xlsx"'
    return response
