"""#12 point 4: one search from every page over everything the person may see, grouped;
a URL to share for text, phone numbers never in URLs and logged only as the fact of a
search; the queue page's search keeps its text across tabs and says what other queues
hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.testing import assert_api_error
from wuyedesk.tickets import global_search

PHONE = "13812345678"  # resident A's


def _reads_tickets(sql: str) -> bool:
    """A query of the tickets' rows, not of the ticket data's version (MAX of the ids)."""
    return '"tickets_ticket"."id"' in sql


@pytest.fixture
def elsewhere(world, call):
    """A leak that the specialist took and the manager answered and closed: in no open queue
    of the specialist's ("我的工作" is the default tab), only in "全部工单"."""
    ticket = call(description="卫生间漏水,楼下天花板在滴水", answer="已告知物业维修电话")
    assert ticket.closed_at is not None
    return ticket


def test_text_search_redirects_to_a_url_to_share_and_finds_every_queue(world, elsewhere, client_as):
    client = client_as(world.specialist)
    response = client.post("/search/", {"q": "漏水"})
    assert response.status_code == 302 and response["Location"] == "/search/?q=%E6%BC%8F%E6%B0%B4"
    page = client.get(response["Location"])
    assert page.context["found"].ticket_ids == [elsewhere.pk]
    assert elsewhere.number in page.content.decode()


def test_ticket_number_and_name_and_room(world, call, client_as):
    ticket = call()
    client = client_as(world.specialist)
    page = client.get("/search/", {"q": ticket.number})
    assert page.context["found"].mode == "number"
    assert page.context["found"].ticket_ids == [ticket.pk]
    by_name = client.get("/search/", {"q": "张伟"}).context["found"]
    assert ticket.pk in by_name.ticket_ids
    assert [r.pk for r in by_name.people.residents] == [world.resident_a.pk]
    room = world.rooms_a[0]
    by_room = client.get("/search/", {"q": room.number}).context["found"]
    assert room.pk in [r.pk for r in by_room.people.rooms]


def test_one_character_searches_names_and_says_tickets_need_two(world, call, client_as, api_as):
    """A surname typed alone (张) finds the residents whose name holds it; the text index pairs
    characters, so tickets are not searched and the page says to type two."""
    call()
    with CaptureQueriesContext(connection) as queries:
        found = global_search.search_everything(world.specialist, "张")
    assert found.mode == "name" and found.ticket_ids == [] and not found.more_tickets
    assert [r.pk for r in found.people.residents] == [world.resident_a.pk]
    assert not any(_reads_tickets(q["sql"]) for q in queries.captured_queries)
    page = client_as(world.specialist).get("/search/", {"q": "张"})
    assert 'id="search-one-character"' in page.content.decode()
    assert world.resident_a.name in page.content.decode()
    body = api_as(world.specialist).get("/api/v1/search", q=" 张 ").json()
    assert body["mode"] == "name" and body["tickets"] == []
    assert [r["id"] for r in body["residents"]] == [world.resident_a.pk]
    for text in ("张伟", "3", "a", "栋 3"):  # two characters, a digit, a letter: text as before
        assert global_search.search_mode(text) != "name", text


def test_the_queue_page_says_one_character_searches_names_and_links_it(world, call, client_as):
    """The queue's own search still runs for one character, and says why it finds little,
    with a link to the residents whose name holds it; two characters say nothing of it."""
    call()
    client = client_as(world.specialist)
    page = client.get("/tickets/", {"queue": "all", "q": "张"}).content.decode()
    assert 'id="queue-one-character"' in page
    assert 'href="/search/?q=%E5%BC%A0"' in page
    found = client.get("/search/?q=%E5%BC%A0").context["found"]
    assert [r.pk for r in found.people.residents] == [world.resident_a.pk]
    for text in ("张伟", "a", "3"):
        page = client.get("/tickets/", {"queue": "all", "q": text}).content.decode()
        assert 'id="queue-one-character"' not in page, text
    world.specialist.language = "en"
    world.specialist.save(update_fields=["language"])
    page = client.get("/tickets/", {"queue": "all", "q": "张"}).content.decode()
    assert "Residents whose name contains" in page


def test_phone_search_stays_out_of_urls_and_is_logged_without_the_number(world, call, client_as):
    ticket = call()
    client = client_as(world.specialist)
    response = client.post("/search/", {"q": "138-1234-5678"})
    assert response.status_code == 200  # answered in place: no redirect to a URL with it
    found = response.context["found"]
    assert found.mode == "phone" and found.ticket_ids == [ticket.pk]
    results = response.content.decode().split('id="search-scope"', 1)[1]
    assert PHONE not in results and "138****5678" in results
    entry = AuditEntry.objects.get(action=AuditAction.SEARCH)
    assert entry.actor == world.specialist
    kept = f"{entry.object_label} {entry.object_type} {entry.details} {entry.changes}"
    assert "5678" not in kept and "1234" not in kept
    # A phone number put in the URL is not searched (and nothing is logged for it).
    page = client.get("/search/", {"q": PHONE})
    assert page.context["found"] is None and "不要放进网址" in page.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.SEARCH).count() == 1


def test_out_of_scope_user_finds_nothing_of_another_community(world, call, client_as):
    ticket = call()
    client = client_as(world.specialist_b)
    for q in ("漏水", ticket.number, "张伟"):
        found = client.get("/search/", {"q": q}).context["found"]
        assert found.empty, q
    found = client.post("/search/", {"q": PHONE}).context["found"]
    assert found.empty
    # The department worker sees only what was sent to the department.
    assert global_search.search_everything(world.worker, "漏水").ticket_ids == []


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("   ", "请输入要搜索的内容。"),
        ("漏" * 101, "搜索内容最长 100 个字。"),
        ("!!!", "请输入工单编号、电话、姓名、房号或文字。"),
    ],
)
def test_bad_input_gives_a_clear_message_and_keeps_the_text(world, client_as, q, message):
    response = client_as(world.specialist).post("/search/", {"q": q})
    assert response.status_code == 200 and response.context["found"] is None
    page = response.content.decode()
    assert message in page
    if q.strip():
        assert f'value="{q}"' in page


def test_queries_stay_constant(world, call, client_as):
    client = client_as(world.specialist)
    call(description="电梯漏水")
    client.get("/search/", {"q": "漏水"})  # warm the reference caches
    call(description="电梯漏水")  # a new ticket: the search is made again, not the kept one
    with CaptureQueriesContext(connection) as one:
        client.get("/search/", {"q": "漏水"})
    for _ in range(6):
        call(description="电梯漏水", room=world.rooms_a[1])
    with CaptureQueriesContext(connection) as seven:
        page = client.get("/search/", {"q": "漏水"})
    assert len(page.context["found"].ticket_ids) == 8
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_search_box_on_every_staff_page(world, client_as):
    page = client_as(world.specialist).get("/").content.decode()
    assert 'id="global-search"' in page and 'method="post" action="/search/"' in page


def test_api_search(world, call, api_as):
    ticket = call()
    api = api_as(world.specialist)
    body = api.post("/api/v1/search", {"q": PHONE}).json()
    assert body["mode"] == "phone" and [t["id"] for t in body["tickets"]] == [ticket.pk]
    assert body["residents"][0]["masked_phone"] == "138****5678"
    assert PHONE not in str(body["residents"])
    assert AuditEntry.objects.filter(action=AuditAction.SEARCH).count() == 1
    text = api.get("/api/v1/search", q="漏水").json()
    assert [t["number"] for t in text["tickets"]] == [ticket.number]
    assert api.get("/api/v1/search", q=ticket.number).json()["mode"] == "number"


def test_api_search_refuses_bad_input(world, api_as):
    api = api_as(world.specialist)
    assert_api_error(api.get("/api/v1/search", q=PHONE), 422, "phone_in_url", "q")
    assert_api_error(api.post("/api/v1/search", {"q": " "}), 422, "required", "q")
    assert_api_error(api.post("/api/v1/search", {"q": "!!!"}), 422, "invalid", "q")
    assert api_as(world.specialist_b).post("/api/v1/search", {"q": PHONE}).json()["tickets"] == []
    assert_api_error(
        api_as(world.resident).post("/api/v1/search", {"q": "漏水"}), 403, "permission_denied"
    )


def test_queue_search_says_what_other_queues_hold_and_tabs_keep_it(world, elsewhere, client_as):
    client = client_as(world.specialist)
    page = client.get("/tickets/", {"q": "漏水"})  # the default tab: 我的工作
    assert page.context["queue"] == "mine"
    assert list(page.context["page"].object_list) == []  # not in this queue
    html = page.content.decode()
    assert 'id="search-elsewhere"' in html and page.context["elsewhere"] == 1
    assert "?queue=all&amp;q=%E6%BC%8F%E6%B0%B4" in html
    all_tab = client.get("/tickets/", {"queue": "all", "q": "漏水"})
    assert elsewhere.number in all_tab.content.decode()
    # A phone search: the tabs post the form again instead of carrying the number.
    posted = client.post("/tickets/?queue=mine", {"q": PHONE, "queue": "mine"})
    html = posted.content.decode()
    assert posted.context["private_search"]
    assert 'formaction="?queue=all"' in html and f"q={PHONE}" not in html
    again = client.post("/tickets/?queue=all", {"q": PHONE, "queue": "mine"})
    assert again.context["queue"] == "all"
    assert elsewhere.number in again.content.decode()


def _scans_names(sql: str) -> bool:
    """A query of residents by what they are called, not by their ids."""
    return (
        sql.startswith('SELECT "properties_resident"')
        and '"properties_resident"."id" IN (' not in sql
    )


def _searched(user, text):
    """The search's findings as ids, and whether it asked the text index or the names."""
    with CaptureQueriesContext(connection) as queries:
        found = global_search.search_everything(user, text)
    people = found.people
    asked = any(
        _reads_tickets(q["sql"]) or _scans_names(q["sql"]) for q in queries.captured_queries
    )
    ids = (found.ticket_ids, [r.pk for r in people.residents], [r.pk for r in people.rooms])
    return ids, asked, found


def test_a_search_is_kept_as_ids_until_a_ticket_or_a_record_changes(world, call):
    """The same search by the same person is answered from what the first one found, read
    again by id, until a ticket, a resident or a room changes (search_everything)."""
    first = call()
    found, asked, whole = _searched(world.specialist, "张伟")
    assert asked and found == ([first.pk], [world.resident_a.pk], [])
    again, asked, kept = _searched(world.specialist, "张伟")
    assert again == found and not asked
    # The kept answer is the search's own, households and all.
    assert kept.people.residents[0].households == whole.people.residents[0].households
    assert (kept.mode, kept.more_tickets, kept.people.text) == (
        whole.mode,
        whole.more_tickets,
        whole.people.text,
    )
    # A new ticket is found at once...
    second = call()
    found, asked, _ = _searched(world.specialist, "张伟")
    assert asked and found[0] == [second.pk, first.pk]
    # ... and a resident renamed (their save bumps the records' version).
    assert _searched(world.specialist, "张伟明")[0][1] == []
    world.resident_a.name = "张伟明"
    world.resident_a.save()
    assert _searched(world.specialist, "张伟明")[0][1] == [world.resident_a.pk]


def test_a_kept_search_is_no_one_elses_and_a_phone_search_is_never_kept(world, call):
    from django.core.cache import cache

    ticket = call()
    assert _searched(world.specialist, "漏水")[0][0] == [ticket.pk]
    # Another community's specialist asks the same: their own search, finding nothing.
    found, asked, _ = _searched(world.specialist_b, "漏水")
    assert asked and found == ([], [], [])
    cache.clear()
    _searched(world.specialist, PHONE)
    found, asked, _ = _searched(world.specialist, PHONE)
    assert asked and found[1] == [world.resident_a.pk]
