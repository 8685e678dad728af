"""Bulk import of communities, rooms and residents from XLSX or CSV.

All or nothing: every row is validated first and any error (with its row and column)
stops the import before a single row is written.
"""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import reference, versions
from wuyedesk.lib import text
from wuyedesk.lib.privacy import normalize_phone
from wuyedesk.lib.sheets import xlsx_bytes
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import (
    Building,
    Community,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Occupancy,
    Resident,
    Room,
    Unit,
)
from wuyedesk.properties.selectors import RECORDS_VERSION, active_communities

MAX_ROWS = 100_000


def settings_max_bytes() -> int:
    from django.conf import settings

    return settings.IMPORT_MAX_BYTES


@dataclass(frozen=True)
class Col:
    key: str
    zh: str
    en: str
    required: bool = True


COLUMNS = {
    ImportKind.COMMUNITIES: [
        Col("code", "编码", "code"),
        Col("name", "名称", "name"),
        Col("city", "城市", "city", False),
        Col("district", "区县", "district", False),
        Col("address", "地址", "address", False),
    ],
    ImportKind.ROOMS: [
        Col("community", "小区编码", "community_code"),
        Col("building", "楼栋", "building"),
        Col("unit", "单元", "unit"),
        Col("number", "房号", "room"),
        Col("floor", "楼层", "floor", False),
        Col("area", "建筑面积", "area", False),
    ],
    ImportKind.RESIDENTS: [
        Col("name", "姓名", "name"),
        Col("phone", "电话", "phone"),
        Col("email", "邮箱", "email", False),
        Col("id_number", "身份证号", "id_number", False),
        Col("community", "小区编码", "community_code"),
        Col("building", "楼栋", "building"),
        Col("unit", "单元", "unit"),
        Col("number", "房号", "room"),
        Col("role", "身份", "role"),
        Col("move_in", "入住日期", "move_in", False),
    ],
}

WRITE_POSTS = {
    ImportKind.COMMUNITIES: (Post.ADMIN,),
    ImportKind.ROOMS: (Post.ADMIN,),
    ImportKind.RESIDENTS: (Post.ADMIN, Post.MANAGER, Post.ASSISTANT),
}


def role_words() -> dict[str, str]:
    """Role as written in a sheet (owner, 业主, Owner, family member …) -> stored value."""
    words = {}
    for role in OccupancyRole:
        words[role.value] = role.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                words[str(role.label).lower()] = role.value
    return words


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, missing columns)."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# How OOXML writes a character XML cannot hold (a control character) in a cell: _x001B_.
# Read-only openpyxl leaves it as it is; Excel shows the character, and so is it checked.
OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xlsx_text(value) -> str:
    return OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), _text(value))


def read_table(filename: str, content: bytes) -> list[list[str]]:
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("无法读取该 XLSX 文件。")) from error
        sheet = book.worksheets[0]
        rows = [[_xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("无法识别 CSV 文件的编码。"))
        return [[_text(v) for v in row] for row in csv.reader(io.StringIO(text))]
    raise ImportFileError(_("只支持 .xlsx 和 .csv 文件。"))


def _header_map(kind, header: list[str]) -> dict[str, int]:
    index = {}
    names = {h.strip().lower(): i for i, h in enumerate(header) if h}
    missing = []
    for col in COLUMNS[kind]:
        i = names.get(col.zh.lower(), names.get(col.en.lower()))
        if i is None:
            if col.required:
                missing.append(col.zh)
            continue
        index[col.key] = i
    if missing:
        raise ImportFileError(_("缺少必需的列:%(cols)s") % {"cols": "、".join(missing)})
    return index


class RowErrors:
    def __init__(self, kind):
        chinese = (translation.get_language() or "zh").startswith("zh")
        self.labels = {c.key: c.zh if chinese else c.en for c in COLUMNS[kind]}
        self.items: list[dict] = []

    def add(self, row: int, field: str, message: str, code: str = "invalid"):
        self.items.append(
            {
                "row": row,
                "field": field,
                "column": self.labels.get(field, field),
                "code": code,
                "message": str(message),
            }
        )

    def add_validation(self, row: int, error: ValidationError, rename=None):
        rename = rename or {}
        for field, errors in error.error_dict.items():
            for e in errors:
                self.add(row, rename.get(field, field), " ".join(e.messages), e.code or "invalid")


def _rows(kind, table):
    if not table:
        raise ImportFileError(_("文件是空的。"))
    index = _header_map(kind, table[0])
    body = table[1:]
    if len(body) > MAX_ROWS:
        raise ImportFileError(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    for number, raw in enumerate(body, start=2):
        if not any(raw):
            continue
        yield number, {key: (raw[i] if i < len(raw) else "") for key, i in index.items()}


def _clean_cells(errors, number, row) -> bool:
    """Every cell holds text as a person types it (lib/text.py): CRLF in a cell becomes LF,
    and a cell with another control character is an error of its row and column."""
    ok = True
    for key, value in row.items():
        cleaned = text.clean_text(value)
        if cleaned is None:
            errors.add(number, key, text.MESSAGE, text.CODE)
            ok = False
        else:
            row[key] = cleaned
    return ok


def _required(errors, number, row, kind):
    ok = True
    for col in COLUMNS[kind]:
        if col.required and not row.get(col.key):
            errors.add(number, col.key, _("此项不能为空。"), "required")
            ok = False
    return ok


class Plan:
    """What an import would write; built by validation, executed by commit."""

    def __init__(self):
        self.communities: list[Community] = []
        self.rooms: list[tuple] = []  # (community, building name, unit name, Room)
        self.residents: list[tuple] = []  # (Resident, room_id, role, move_in)


def _validate_communities(user, rows, errors, plan):
    seen = {}
    existing = set(Community.objects.values_list("code", flat=True))
    for number, row in rows:
        if not _required(errors, number, row, ImportKind.COMMUNITIES):
            continue
        obj = Community(
            **{k: row.get(k, "") for k in ("code", "name", "city", "district", "address")}
        )
        try:
            obj.full_clean(validate_unique=False)
        except ValidationError as error:
            errors.add_validation(number, error)
            continue
        if obj.code in existing:
            errors.add(number, "code", _("编码已存在。"), "unique")
        elif obj.code in seen:
            errors.add(
                number, "code", _("与第 %(row)s 行重复。") % {"row": seen[obj.code]}, "duplicate"
            )
        else:
            seen[obj.code] = number
            plan.communities.append(obj)


def _community_lookup(user):
    return {c.code: c for c in active_communities(user)}


def _parse_int(errors, number, field, value, *, decimal=False):
    if not value:
        return None
    try:
        return float(value) if decimal else int(value)
    except ValueError:
        errors.add(number, field, _("应为数字。"), "invalid")
        return False


def _validate_rooms(user, rows, errors, plan):
    communities = _community_lookup(user)
    existing = set(
        Room.objects.filter(community__in=communities.values()).values_list(
            "community__code", "building__name", "unit__name", "number"
        )
    )
    seen = {}
    for number, row in rows:
        if not _required(errors, number, row, ImportKind.ROOMS):
            continue
        community = communities.get(row["community"])
        if community is None:
            errors.add(number, "community", _("小区编码不存在或无权访问。"), "not_found")
            continue
        floor = _parse_int(errors, number, "floor", row.get("floor"))
        area = _parse_int(errors, number, "area", row.get("area"), decimal=True)
        if floor is False or area is False:
            continue
        key = (row["community"], row["building"], row["unit"], row["number"])
        if key in existing:
            errors.add(number, "number", _("该房屋已存在。"), "unique")
            continue
        if key in seen:
            errors.add(
                number, "number", _("与第 %(row)s 行重复。") % {"row": seen[key]}, "duplicate"
            )
            continue
        seen[key] = number
        room = Room(number=row["number"], floor=floor, area=area)
        try:
            room.full_clean(exclude=["unit", "building", "community"], validate_unique=False)
        except ValidationError as error:
            errors.add_validation(number, error)
            continue
        plan.rooms.append((community, row["building"], row["unit"], room))


def _validate_residents(user, rows, errors, plan):
    communities = _community_lookup(user)
    rows = list(rows)
    codes = {row["community"] for _n, row in rows if row.get("community") in communities}
    room_ids = {
        key[:4]: key[4]
        for key in Room.objects.filter(
            community__code__in=codes, archived_at__isnull=True
        ).values_list("community__code", "building__name", "unit__name", "number", "id")
    }
    roles = role_words()
    for number, row in rows:
        if not _required(errors, number, row, ImportKind.RESIDENTS):
            continue
        community = communities.get(row["community"])
        if community is None:
            errors.add(number, "community", _("小区编码不存在或无权访问。"), "not_found")
            continue
        room_id = room_ids.get((row["community"], row["building"], row["unit"], row["number"]))
        if room_id is None:
            errors.add(number, "number", _("房屋不存在,请先导入房屋。"), "not_found")
        role = roles.get(row["role"].strip().lower())
        if role is None:
            errors.add(number, "role", _("身份应为 业主、家庭成员 或 租户。"), "invalid_choice")
        move_in = None
        if row.get("move_in"):
            try:
                move_in = dt.date.fromisoformat(row["move_in"].replace("/", "-"))
            except ValueError:
                errors.add(number, "move_in", _("日期格式应为 YYYY-MM-DD。"), "invalid_date")
        resident = Resident(
            name=row["name"],
            phone=normalize_phone(row["phone"]),
            email=row.get("email", ""),
            id_number=row.get("id_number", "").upper(),
            community=community,
        )
        try:
            resident.full_clean(exclude=["community"], validate_unique=False)
        except ValidationError as error:
            errors.add_validation(number, error)
            continue
        if room_id is not None and role is not None:
            plan.residents.append((resident, room_id, role, move_in))


VALIDATORS = {
    ImportKind.COMMUNITIES: _validate_communities,
    ImportKind.ROOMS: _validate_rooms,
    ImportKind.RESIDENTS: _validate_residents,
}


def _plan(user, kind, filename, content) -> tuple[Plan, RowErrors, int]:
    table = read_table(filename, content)
    rows = list(_rows(kind, table))
    errors, plan = RowErrors(kind), Plan()
    clean = [(number, row) for number, row in rows if _clean_cells(errors, number, row)]
    VALIDATORS[kind](user, clean, errors, plan)
    return plan, errors, len(rows)


def import_preview(*, by, kind: str, filename: str, content: bytes) -> ImportBatch:
    """Validate an upload and keep it. Raises ImportFileError when the file is unreadable."""
    kind = ImportKind(kind)
    require_post(by, *WRITE_POSTS[kind])
    if text.clean_text(filename) is None:
        raise ImportFileError(_("文件名不能含有控制字符。"))
    _plan_unused, errors, count = _plan(by, kind, filename, content)
    if count == 0:
        errors.add(1, "", _("文件中没有数据行。"), "empty")
    return ImportBatch.objects.create(
        kind=kind,
        filename=filename[:200],
        content=content,
        created_by=by,
        status=ImportStatus.INVALID if errors.items else ImportStatus.READY,
        row_count=count,
        errors=errors.items[:1000],
    )


def import_commit(*, by, batch: ImportBatch) -> ImportBatch:
    """Write every row of a validated batch in one transaction, or nothing."""
    if batch.created_by_id != by.pk:
        raise PermissionDenied
    require_post(by, *WRITE_POSTS[ImportKind(batch.kind)])
    if batch.status != ImportStatus.READY:
        raise ValidationError(_("该批次不能导入。"), code="invalid_state")
    with transaction.atomic():
        plan, errors, _count = _plan(by, batch.kind, batch.filename, bytes(batch.content))
        if errors.items:  # the data changed since the preview
            batch.status = ImportStatus.INVALID
            batch.errors = errors.items[:1000]
            batch.save(update_fields=["status", "errors"])
            return batch
        written = _write(plan)
        batch.status = ImportStatus.IMPORTED
        batch.imported_at = timezone.now()
        batch.imported_count = written
        batch.save(update_fields=["status", "imported_at", "imported_count"])
        audit_record(
            actor=by,
            action=AuditAction.IMPORT,
            obj=batch,
            label=f"{batch.get_kind_display()} {batch.filename} × {written}",
            changes={"rows": written},
        )
    return batch


def _write(plan: Plan) -> int:
    versions.bump(RECORDS_VERSION)  # bulk inserts send no signal
    if plan.communities:
        Community.objects.bulk_create(plan.communities, batch_size=1000)
        reference.changed()
        return len(plan.communities)
    if plan.rooms:
        return _write_rooms(plan.rooms)
    if plan.residents:
        residents = [r for r, *_rest in plan.residents]
        Resident.objects.bulk_create(residents, batch_size=1000)
        occupancies = []
        room_communities = dict(
            Room.objects.filter(
                id__in={room_id for _r, room_id, *_x in plan.residents}
            ).values_list("id", "community_id")
        )
        for resident, room_id, role, move_in in plan.residents:
            occupancies.append(
                Occupancy(
                    resident=resident,
                    room_id=room_id,
                    community_id=room_communities[room_id],
                    role=role,
                    move_in=move_in,
                )
            )
        Occupancy.objects.bulk_create(occupancies, batch_size=1000)
        return len(residents)
    return 0


def _write_rooms(rows) -> int:
    buildings = {
        (b.community_id, b.name): b
        for b in Building.objects.filter(community__in={c for c, *_r in rows})
    }
    new_buildings = {}
    for community, building_name, _unit, _room in rows:
        key = (community.id, building_name)
        if key not in buildings and key not in new_buildings:
            new_buildings[key] = Building(community=community, name=building_name)
    Building.objects.bulk_create(new_buildings.values())
    buildings |= new_buildings
    units = {
        (u.building_id, u.name): u for u in Unit.objects.filter(building__in=buildings.values())
    }
    new_units = {}
    for community, building_name, unit_name, _room in rows:
        building = buildings[(community.id, building_name)]
        key = (building.id, unit_name)
        if key not in units and key not in new_units:
            new_units[key] = Unit(building=building, community=community, name=unit_name)
    Unit.objects.bulk_create(new_units.values())
    units |= new_units
    rooms = []
    for community, building_name, unit_name, room in rows:
        building = buildings[(community.id, building_name)]
        unit = units[(building.id, unit_name)]
        room.unit, room.building, room.community = unit, building, community
        rooms.append(room)
    Room.objects.bulk_create(rooms, batch_size=1000)
    return len(rooms)


def template_xlsx(kind: str) -> bytes:
    """An empty sheet with the right headers, for users to fill in."""
    data, _rows = xlsx_bytes(title=kind, head=[c.zh for c in COLUMNS[ImportKind(kind)]], rows=())
    return data
