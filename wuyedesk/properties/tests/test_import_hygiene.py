"""#11 point 8 in imports: a cell with a control character is a row error naming its column,
and nothing of the file is imported; tab, newline and CRLF (as LF) pass."""

import pytest

from wuyedesk.properties import importer
from wuyedesk.properties.models import Community, ImportStatus, Resident
from wuyedesk.properties.tests.test_import import RESIDENT_HEADER, upload, xlsx


def csv_bytes(rows) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("bad_name", ["王\x00五", "\x1b[31m王五\x1b[0m", "王\x85五"])
def test_a_control_character_in_a_csv_cell_imports_nothing_and_names_the_field(
    world, client_as, bad_name
):
    rows = [
        RESIDENT_HEADER,
        ["赵六", "13900000001", "", "", "A", "1栋", "1单元", "101", "业主", ""],
        [bad_name, "13900000002", "", "", "A", "1栋", "1单元", "201", "业主", ""],
    ]
    before = Resident.objects.count()

    response = upload(client_as(world.assistant), "residents", "住户.csv", csv_bytes(rows))

    assert response.status_code == 302
    batch = importer.ImportBatch.objects.get()
    assert batch.status == ImportStatus.INVALID
    assert [(e["row"], e["field"], e["column"], e["code"]) for e in batch.errors] == [
        (3, "name", "姓名", "control_characters")
    ]
    assert Resident.objects.count() == before


def test_a_control_character_in_an_xlsx_cell_is_refused_too(world, client_as):
    rows = [
        ["编码", "名称", "城市", "区县", "地址"],
        ["C9", "新\x1b小区", "上海市", "", ""],
    ]
    upload(client_as(world.admin), "communities", "小区.xlsx", xlsx(rows))

    batch = importer.ImportBatch.objects.get()
    assert [(e["row"], e["field"], e["code"]) for e in batch.errors] == [
        (2, "name", "control_characters")
    ]
    assert not Community.objects.filter(code="C9").exists()


def test_tab_and_crlf_in_cells_pass_crlf_as_lf(world, client_as):
    rows = [
        ["编码", "名称", "城市", "区县", "地址"],
        ["C9", "新\t小区", "上海市", "", "锦绣路1号\r\n2号门"],
    ]
    client = client_as(world.admin)
    upload(client, "communities", "小区.csv", csv_bytes(rows))
    batch = importer.ImportBatch.objects.get()
    assert batch.status == ImportStatus.READY, batch.errors

    client.post(f"/import/{batch.pk}/")

    community = Community.objects.get(code="C9")
    assert community.name == "新\t小区"
    assert community.address == "锦绣路1号\n2号门"


def test_a_file_name_with_control_characters_is_refused(world):
    # Django's multipart parser already drops them from an upload's name; the service holds
    # the rule for any other caller.
    rows = [["编码", "名称"], ["C9", "新小区"]]

    with pytest.raises(importer.ImportFileError, match="文件名不能含有控制字符"):
        importer.import_preview(
            by=world.admin, kind="communities", filename="小区\x1b.csv", content=csv_bytes(rows)
        )

    assert not importer.ImportBatch.objects.exists()
