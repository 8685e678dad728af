"""Any ticket list as XLSX within the export right (#12 point 7): page and API."""

import io
import re

import pytest
from openpyxl import load_workbook

from wuyedesk.audit.models import AuditEntry
from wuyedesk.testing import assert_api_error
from wuyedesk.tickets import export

URL = "/tickets/export.xlsx"
API = "/api/v1/tickets/export.xlsx"


@pytest.fixture
def tickets(world, categories, call):
    """Complaints and inquiries in community A, one inquiry in community B."""
    made = [call(kind="complaint", title=f"投诉{i}", description=f"楼道噪音{i}") for i in range(3)]
    made += [call(kind="inquiry", title=f"咨询{i}") for i in range(2)]
    made.append(
        call(
            by=world.specialist_b,
            kind="complaint",
            title="B区投诉",
            resident=world.resident_b,
            room=world.rooms_b[0],
        )
    )
    return made


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    head = list(rows[1])
    return [dict(zip(head, row, strict=False)) for row in rows[2:]]


def _page_numbers(page: str) -> list[str]:
    body = page.split('id="ticket-list"')[1]
    return re.findall(r'<a href="/tickets/\d+/">([^<]+)</a>', body)


def test_the_export_holds_exactly_the_rows_of_the_filtered_page(world, tickets, client_as):
    client = client_as(world.manager)
    page = client.get("/tickets/", {"queue": "all", "kind": "complaint"}).content.decode()
    assert 'id="queue-export"' in page
    link = re.search(r'id="queue-export" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith(URL) and "kind=complaint" in link and "queue=all" in link
    shown = _page_numbers(page)
    assert len(shown) == 3  # community B's complaint is outside the manager's scope
    sheet = _sheet(client.get(link))
    assert [row["编号"] for row in sheet] == shown
    assert {row["类型"] for row in sheet} == {"投诉"}
    entry = AuditEntry.objects.get(action="export", object_type="tickets.ticket")
    assert entry.details["rows"] == 3 and entry.details["filter"]["kind"] == "complaint"


@pytest.mark.parametrize("queue", ["mine", "team", "overdue", "unassigned", "return_visits"])
def test_every_tab_exports_its_own_rows(world, tickets, client_as, queue):
    client = client_as(world.manager)
    shown = _page_numbers(client.get("/tickets/", {"queue": queue}).content.decode())
    assert [row["编号"] for row in _sheet(client.get(URL, {"queue": queue}))] == shown


def test_phones_masked_for_an_exporter_who_may_not_reveal_them(world, tickets, client_as):
    sheet = _sheet(client_as(world.admin).get(URL, {"queue": "all"}))
    assert sheet and {row["客户电话"] for row in sheet} == {"138****5678", "139****4321"}
    entry = AuditEntry.objects.get(action="export")
    assert "phones" not in entry.details["filter"]


def test_phones_in_full_for_a_post_that_may_reveal_them_and_logged(world, tickets, client_as):
    sheet = _sheet(client_as(world.manager).get(URL, {"queue": "all"}))
    assert {row["客户电话"] for row in sheet} == {"13812345678"}
    assert AuditEntry.objects.get(action="export").details["filter"]["phones"] == "full"


def test_a_phone_search_exports_by_post_and_never_puts_the_number_in_a_url(
    world, tickets, client_as
):
    client = client_as(world.manager)
    page = client.post("/tickets/?queue=all", {"queue": "all", "q": "13812345678"})
    text = page.content.decode()
    assert "13812345678" not in re.search(r'id="queue-export"[^>]*>', text).group(0)
    assert 'formaction="/tickets/export.xlsx?queue=all"' in text
    sheet = _sheet(client.post(f"{URL}?queue=all", {"queue": "all", "q": "13812345678"}))
    assert [row["编号"] for row in sheet] == _page_numbers(text)
    logged = AuditEntry.objects.get(action="export").details["filter"]["q"]
    assert logged == "138****5678"


def test_no_export_right_no_link_and_403(world, tickets, client_as):
    client = client_as(world.specialist)
    assert 'id="queue-export"' not in client.get("/tickets/").content.decode()
    assert client.get(URL, {"queue": "all"}).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_out_of_scope_rows_are_never_exported(world, tickets, client_as):
    sheet = _sheet(client_as(world.assistant).get(URL, {"queue": "all"}))
    assert "B区投诉" not in {row["标题"] for row in sheet}
    assert len(sheet) == 5


def test_a_list_over_the_cap_is_refused_with_a_message(world, tickets, client_as, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_MAX_ROWS", 1)
    client = client_as(world.manager)
    response = client.get(URL, {"queue": "all", "kind": "inquiry", "q": "漏水"})
    assert response.status_code == 302 and "kind=inquiry" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "结果超过 1 条" in page
    assert not AuditEntry.objects.filter(action="export").exists()


def test_unknown_queue_is_404(world, tickets, client_as):
    assert client_as(world.manager).get(URL, {"queue": "nope"}).status_code == 404


def test_api_export_equals_the_page_rows(world, tickets, client_as, api_as):
    shown = _page_numbers(
        client_as(world.manager)
        .get("/tickets/", {"queue": "team", "kind": "inquiry"})
        .content.decode()
    )
    response = api_as(world.manager).get(API, queue="team", kind="inquiry")
    assert [row["编号"] for row in _sheet(response)] == shown
    response = api_as(world.manager).post(API, {"queue": "all", "q": "13812345678"})
    assert len(_sheet(response)) == 5


def test_api_refusals(world, tickets, api_as, monkeypatch):
    assert_api_error(api_as(world.specialist).get(API, queue="all"), 403, "permission_denied")
    assert_api_error(api_as(world.resident).get(API, queue="all"), 403, "permission_denied")
    assert_api_error(api_as(world.manager).get(API, kind="bogus"), 422, "literal_error", "kind")
    monkeypatch.setattr(export, "EXPORT_MAX_ROWS", 2)
    assert_api_error(api_as(world.manager).get(API, queue="all"), 422, "too_many")
    assert not AuditEntry.objects.filter(action="export").exists()
