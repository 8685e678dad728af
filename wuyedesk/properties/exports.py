"""Every download of a list (XLSX or CSV), page and API alike (MGT-3, PIPL).

One path for all of them: the permission (`may_export`: the company setting's posts), the
user's scope (the caller's queryset comes from the scoped selector), the safe writer
(lib/sheets.py: no value ever becomes a formula), a visible line and the workbook's
properties saying who exported it and when, and one access-log row with the filter used and
the row count.
"""

from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core.downloads import download
from wuyedesk.core.resources import Resource, resolve_attr
from wuyedesk.lib import sheets
from wuyedesk.lib.privacy import looks_like_phone, mask_phone, normalize_phone
from wuyedesk.properties.services import require_export

FORMATS = ("xlsx", "csv")


def filter_for_log(params: dict) -> dict:
    """The filter as the access log keeps it: no personal number in clear (a phone searched
    for is kept masked, as the pages show it)."""
    kept = {}
    for name, value in params.items():
        if value in (None, "", False):
            continue
        text = str(value)
        kept[name] = mask_phone(normalize_phone(text)) if looks_like_phone(text) else value
    return kept


def _who(user) -> str:
    staff = getattr(user, "staff", None)
    name = staff.name if staff is not None else ""
    return f"{name} ({user.get_username()})" if name else user.get_username()


def export_response(
    *,
    user,
    name: str,
    object_type: str,
    head: Sequence[str],
    rows: Iterable[Sequence],
    filters: dict,
    filename: str,
    fmt: str = "xlsx",
) -> HttpResponse:
    """The file as a download, after its access-log row is written.

    `rows` is consumed here, so a caller passes a generator over its scoped queryset; the
    permission is checked again here, whoever the caller is.
    """
    require_export(user)
    now = timezone.now()
    kept = filter_for_log(filters)
    when = timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S %Z")
    condition = "; ".join(f"{k}={v}" for k, v in kept.items()) or _("无")
    stamp = _(
        "%(name)s,由 %(who)s 于 %(when)s 导出;筛选条件:%(filter)s。内含个人信息,请妥善保管。"
    ) % {
        "name": name,
        "who": _who(user),
        "when": when,
        "filter": condition,
    }
    if fmt == "csv":
        data, count = sheets.csv_bytes(head=head, rows=rows, stamp=stamp)
        content_type = sheets.CSV_CONTENT_TYPE
    else:
        data, count = sheets.xlsx_bytes(
            title=name, head=head, rows=rows, stamp=stamp, author=_who(user), created=now
        )
        content_type = sheets.XLSX_CONTENT_TYPE
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=object_type,
        label=f"{name} × {count}",
        details={"filter": kept, "rows": count, "format": fmt},
    )
    stamp_name = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return download(data, filename=f"{filename}-{stamp_name}.{fmt}", content_type=content_type)


def resource_rows(resource: Resource, queryset):
    for obj in queryset.iterator(chunk_size=2000):
        yield [obj.pk, *[resolve_attr(obj, c.attr) for c in resource.columns]]


def resource_export(*, user, resource: Resource, params, fmt: str = "xlsx") -> HttpResponse:
    """A list of records as shown: the user's scope, the list's filters and search, masked
    personal data. Bad filter values raise ValueError naming the filter."""
    require_export(user)
    queryset, applied = resource.apply_filters(resource.selector(user), params)
    q = (params.get("q") or "").strip()
    queryset = resource.search(queryset, q)
    filters = {**applied, "q": q}
    if str(params.get("archived", "")).lower() in {"1", "true", "yes"}:
        filters["archived"] = True
    return export_response(
        user=user,
        name=str(resource.verbose_name_plural),
        object_type=resource.model._meta.label_lower,
        head=["ID", *[str(c.label) for c in resource.columns]],
        rows=resource_rows(resource, queryset.order_by("pk")),
        filters=filters,
        filename=resource.key,
        fmt=fmt,
    )
