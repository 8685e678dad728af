import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.properties.models import Resident
from wuyedesk.testing import make_resident


def test_create_resident_then_it_is_listed_and_audited(world, client_as):
    client = client_as(world.assistant)
    response = client.post(
        "/residents/new/",
        {"name": "王五", "phone": "137 0000 0001", "community": world.a.pk, "gender": "m"},
    )
    resident = Resident.objects.get(name="王五")
    assert response.status_code == 302
    assert resident.phone == "13700000001"  # normalised
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=resident.pk)
    assert entry.actor == world.assistant
    assert entry.changes["phone"] == "已修改"  # personal data never stored in the audit trail
    assert "13700000001" not in str(entry.changes)


def test_bad_phone_keeps_the_form_filled_and_saves_nothing(world, client_as):
    client = client_as(world.assistant)
    before = Resident.objects.count()
    response = client.post(
        "/residents/new/",
        {"name": "王五", "phone": "12345", "community": world.a.pk, "notes": "楼下有狗"},
    )
    assert response.status_code == 200
    assert Resident.objects.count() == before
    page = response.content.decode()
    assert "请输入有效的手机号" in page
    assert "楼下有狗" in page and 'value="王五"' in page
    assert "is-invalid" in page


def test_edit_with_blank_personal_fields_keeps_them(world, client_as):
    client = client_as(world.manager)
    resident = world.resident_a
    form_page = client.get(f"/residents/{resident.pk}/edit/").content.decode()
    assert "13812345678" not in form_page  # never pre-filled in clear
    response = client.post(
        f"/residents/{resident.pk}/edit/",
        {"name": "张伟明", "phone": "", "id_number": "", "address": "", "community": world.a.pk},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.name == "张伟明"
    assert resident.phone == "13812345678"
    assert resident.id_number == "11010519491231002X"
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=resident.pk).get()
    assert entry.changes == {"name": ["张伟", "张伟明"]}


def test_specialist_cannot_create_or_edit_residents(world, client_as):
    client = client_as(world.specialist)
    assert client.get("/residents/new/").status_code == 403
    assert client.post(f"/residents/{world.resident_a.pk}/edit/", {"name": "x"}).status_code == 403


def test_archive_hides_from_list_and_restore_brings_back(world, client_as):
    client = client_as(world.assistant)
    resident = world.resident_a
    client.post(f"/residents/{resident.pk}/archive/")
    resident.refresh_from_db()
    assert resident.archived_at is not None
    assert resident.name not in client.get("/residents/").content.decode()
    assert resident.name in client.get("/residents/?archived=1").content.decode()
    client.post(f"/residents/{resident.pk}/archive/", {"restore": "1"})
    resident.refresh_from_db()
    assert resident.archived_at is None
    actions = list(
        AuditEntry.objects.filter(object_id=resident.pk).values_list("action", flat=True)
    )
    assert AuditAction.ARCHIVE in actions and AuditAction.RESTORE in actions


def test_resident_page_shows_households_and_history(world, client_as):
    from wuyedesk.properties.models import Occupancy

    Occupancy.objects.create(
        resident=world.resident_a,
        room=world.rooms_a[1],
        role="tenant",
        move_in="2018-01-01",
        move_out="2019-12-31",
    )
    page = client_as(world.specialist).get(f"/residents/{world.resident_a.pk}/").content.decode()
    assert "阳光花园-1栋-1单元-101" in page
    assert "阳光花园-1栋-1单元-201" in page
    assert "已迁出" in page and "在住" in page


def test_search_by_full_phone_and_by_name(world, client_as):
    client = client_as(world.specialist)
    assert world.resident_a.name in client.get("/residents/?q=13812345678").content.decode()
    assert world.resident_a.name in client.get("/residents/?q=张").content.decode()
    assert world.resident_a.name not in client.get("/residents/?q=1381234").content.decode()


@pytest.mark.parametrize("url", ["/residents/", "/rooms/", "/occupancies/", "/staff/"])
def test_list_page_query_count_does_not_grow_with_rows(world, client_as, url):
    client = client_as(world.admin)
    client.get(url)  # warm caches (session, posts)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(25):
        make_resident(world.rooms_a[i % 3], name=f"住户{i}", phone=f"1390000{i:04d}")
    from wuyedesk.testing import make_staff

    for i in range(10):
        make_staff(f"extra{i}", ["specialist"], [world.a])
    client.get(url)  # new staff are new reference data: posts and scopes are read again once
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_invalid_filter_value_is_reported_not_crashing(world, client_as):
    response = client_as(world.admin).get("/residents/?community=abc")
    assert response.status_code == 200
    assert "筛选条件" in response.content.decode()


def test_export_is_masked_scoped_and_audited(world, client_as):
    import io

    from openpyxl import load_workbook

    assert client_as(world.specialist).get("/residents/export.xlsx").status_code == 403
    response = client_as(world.assistant).get("/residents/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "138****5678" in cells
    assert "13812345678" not in cells
    assert world.resident_b.name not in cells
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=world.assistant).exists()
