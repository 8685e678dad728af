"""Bulk import (AST-1): all or nothing, with every bad row and field named."""

import io

import pytest
import xlsxwriter

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.properties import importer
from wuyedesk.properties.models import Community, ImportStatus, Occupancy, Resident, Room

RESIDENT_HEADER = [
    "姓名",
    "电话",
    "邮箱",
    "身份证号",
    "小区编码",
    "楼栋",
    "单元",
    "房号",
    "身份",
    "入住日期",
]


def xlsx(rows) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    book.close()
    return buffer.getvalue()


def thousand_residents(bad_row_index=None):
    rows = [RESIDENT_HEADER]
    for i in range(1000):
        phone = "12345" if i == bad_row_index else f"139{i:08d}"
        rows.append([f"住户{i}", phone, "", "", "A", "1栋", "1单元", f"{i % 3 + 1}01", "业主", ""])
    return rows


def upload(client, kind, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


def test_1000_rows_with_one_bad_phone_import_nothing_and_name_row_and_field(world, client_as):
    client = client_as(world.assistant)
    before = (Resident.objects.count(), Occupancy.objects.count())
    response = upload(client, "residents", "住户.xlsx", xlsx(thousand_residents(bad_row_index=616)))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "未导入任何数据" in page
    batch = importer.ImportBatch.objects.get()
    assert batch.status == ImportStatus.INVALID
    assert batch.row_count == 1000
    assert batch.errors == [
        {
            "row": 618,  # header is row 1, first data row is 2
            "field": "phone",
            "column": "电话",
            "code": "invalid_phone",
            "message": "请输入有效的手机号(11位,以1开头)或带区号的固定电话。",
        }
    ]
    assert "618" in page and "电话" in page
    assert (Resident.objects.count(), Occupancy.objects.count()) == before
    # And confirming the invalid batch is refused.
    client.post(f"/import/{batch.pk}/")
    assert Resident.objects.count() == before[0]


def test_1000_good_rows_import_after_confirmation(world, client_as):
    client = client_as(world.assistant)
    response = upload(client, "residents", "ok.xlsx", xlsx(thousand_residents()))
    batch = importer.ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY
    assert Resident.objects.filter(name__startswith="住户").count() == 0  # preview writes nothing
    client.post(response["Location"])
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED
    assert batch.imported_count == 1000
    assert Occupancy.objects.filter(resident__name__startswith="住户").count() == 1000
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert entry.changes == {"rows": 1000}


def test_gbk_csv_with_english_headers_imports_communities_and_rooms(world, client_as):
    client = client_as(world.admin)
    csv_text = "code,name,city\nC9,新城花园,苏州市\n"
    upload(client, "communities", "c.csv", csv_text.encode("gb18030"))
    batch = importer.ImportBatch.objects.get()
    client.post(f"/import/{batch.pk}/")
    assert Community.objects.get(code="C9").name == "新城花园"
    rooms = (
        "小区编码,楼栋,单元,房号,楼层\nC9,1栋,1单元,101,1\nC9,1栋,1单元,102,1\nC9,2栋,1单元,101,1\n"
    )
    upload(client, "rooms", "r.csv", rooms.encode("utf-8-sig"))
    batch = importer.ImportBatch.objects.latest("id")
    assert batch.status == ImportStatus.READY, batch.errors
    client.post(f"/import/{batch.pk}/")
    assert Room.objects.filter(community__code="C9").count() == 3


def test_row_errors_name_each_problem(world, client_as):
    rows = [
        RESIDENT_HEADER,
        ["", "13900000001", "", "", "A", "1栋", "1单元", "101", "业主", ""],
        ["甲", "13900000002", "", "", "B", "1栋", "1单元", "101", "业主", ""],  # B not assistant's
        ["乙", "13900000003", "", "", "A", "9栋", "1单元", "101", "业主", ""],
        ["丙", "13900000004", "", "123", "A", "1栋", "1单元", "101", "房东", "2020-13-01"],
    ]
    upload(client_as(world.assistant), "residents", "bad.xlsx", xlsx(rows))
    errors = {(e["row"], e["field"], e["code"]) for e in importer.ImportBatch.objects.get().errors}
    assert errors == {
        (2, "name", "required"),
        (3, "community", "not_found"),
        (4, "number", "not_found"),
        (5, "role", "invalid_choice"),
        (5, "move_in", "invalid_date"),
        (5, "id_number", "invalid_id_number"),
    }


def test_duplicate_rows_in_one_file_are_reported(world, client_as):
    content = "编码,名称\nX1,甲\nX1,乙\nA,丙\n".encode()
    upload(client_as(world.admin), "communities", "d.csv", content)
    errors = {(e["row"], e["code"]) for e in importer.ImportBatch.objects.get().errors}
    assert errors == {(3, "duplicate"), (4, "unique")}


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("x.txt", b"hello", "只支持"),
        ("x.xlsx", b"not a zip", "无法读取"),
        ("x.csv", "姓名\n张三\n".encode(), "缺少必需的列"),
    ],
)
def test_unreadable_files_get_a_clear_message(world, client_as, name, content, message):
    response = upload(client_as(world.assistant), "residents", name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not importer.ImportBatch.objects.exists()


def test_who_may_import_what(world, client_as):
    content = "编码,名称\nX1,甲\n".encode()
    response = upload(client_as(world.assistant), "communities", "c.csv", content)
    assert response.status_code == 200  # kind not offered to the assistant
    assert not importer.ImportBatch.objects.exists()
    assert client_as(world.specialist).get("/import/").status_code == 403


def test_someone_elses_batch_is_404(world, client_as):
    upload(client_as(world.assistant), "residents", "ok.xlsx", xlsx(thousand_residents()[:3]))
    batch = importer.ImportBatch.objects.get()
    assert client_as(world.manager).get(f"/import/{batch.pk}/").status_code == 404
    assert client_as(world.manager).post(f"/import/{batch.pk}/").status_code == 404


def test_template_download_has_the_headers(world, client_as):
    from openpyxl import load_workbook

    response = client_as(world.assistant).get("/import/template/residents.xlsx")
    header = [c.value for c in next(load_workbook(io.BytesIO(response.content)).active.rows)]
    assert header == RESIDENT_HEADER
