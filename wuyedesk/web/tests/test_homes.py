"""Each post's home (issue #12 point 1): every number opens a list showing exactly those
rows, each home costs the same number of queries however many rows there are, and the
queue filters a home links to refuse bad values with a message."""

import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.testing import make_staff
from wuyedesk.tickets import selectors as tickets
from wuyedesk.web.tests.work import fill_work

FIGURE = re.compile(r'href="([^"]+)" data-figure="([^"]+)" data-count="(\d+)"')
POSTS = ["manager", "specialist", "assistant", "worker", "supervisor", "executive"]


def figures(page: str) -> dict[str, tuple[str, int]]:
    """key -> (url, number) of every number on a home."""
    return {key: (html.unescape(url), int(n)) for url, key, n in FIGURE.findall(page)}


def rows_of(client, url: str) -> int:
    """The rows the list at `url` shows (every list marks its rows)."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    if url.endswith("#my-tasks"):
        return page.count('id="task-')
    if url.startswith("/tickets/?"):
        return page.count("data-ticket=")
    return page.count("data-row")


@pytest.fixture
def busy(world):
    fill_work(world)
    return lambda n=1: fill_work(world, n)


@pytest.mark.parametrize("post", POSTS)
def test_each_number_equals_the_rows_of_the_list_it_opens(world, busy, client_as, post):
    client = client_as(world.users[post])
    page = client.get("/").content.decode()
    found = figures(page)
    assert found, "the home shows no numbers"
    for key, (url, n) in found.items():
        assert rows_of(client, url) == n, (key, url, n)
    # Not all zero: the world has work for every post.
    assert any(n for _url, n in found.values()), found


def test_the_managers_numbers(world, busy, client_as):
    found = figures(client_as(world.manager).get("/").content.decode())
    assert found["unacknowledged"][1] == 1
    assert found["unacknowledged"][0] == "/tickets/?queue=team&attention=unacknowledged"
    assert found["overdue_inquiry"][1] == 2  # the two contacted ten days ago
    assert found["overdue_repair"][1] == 1
    assert found["overdue_suggestion"][1] == 0
    assert found["week_all"][1] + found["week_all_before"][1] >= 5  # the fresh ones this week


def test_the_specialists_numbers(world, busy, client_as):
    found = figures(client_as(world.specialist).get("/").content.decode())
    url, n = found["my_overdue"]
    assert url == "/tickets/?queue=mine&due=overdue"
    assert n >= 3  # the inquiry, the repair and the given inquiry contacted ten days ago
    assert found["unassigned_portal"][1] == 1
    assert found["unassigned_email"][1] == 1


def test_the_department_workers_numbers(world, busy, client_as):
    page = client_as(world.worker).get("/").content.decode()
    found = figures(page)
    assert found["department_open"] == ("/tickets/?queue=department", 1)
    table = page.split('id="department-rows"', 1)[1].split("</table>", 1)[0]
    (ticket,) = tickets.queue(world.worker, "department")
    assert f'<a href="/tickets/{ticket.pk}/">{ticket.number}</a>' in table
    assert ticket.community.name in table and ticket.title[:20] in table
    assert timezone.localtime(ticket.next_due).strftime("%Y-%m-%d %H:%M") in table


def test_the_department_workers_kept_rows_follow_a_transfer_and_a_reply(world, busy, client_as):
    """The rows' ids are kept under the ticket data's version: a ticket transferred to the
    department shows on the next view, and one the department has answered leaves it."""
    from wuyedesk.tickets import services
    from wuyedesk.tickets.defaults import load_categories

    client = client_as(world.worker)

    def listed() -> list[str]:
        page = client.get("/").content.decode()
        table = page.split('id="department-rows"', 1)[1].split("</table>", 1)[0]
        return re.findall(r'<a href="/tickets/\d+/">([^<]+)</a>', table)

    (before,) = listed()
    ticket = services.ticket_create(
        by=world.specialist,
        kind="repair",
        channel="phone",
        category=load_categories()["UTILITY"],
        title="",
        description="楼道灯不亮",
        resident=world.resident_a,
        room=world.rooms_a[0],
    )
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note="请维修"
    )
    assert sorted(listed()) == sorted([before, ticket.number])
    dispatch = ticket.dispatches.get()
    services.dispatch_reply(by=world.worker, dispatch=dispatch, text="已更换灯泡")
    assert listed() == [before]


def test_a_specialist_of_another_community_counts_none_of_a(world, busy, client_as):
    found = figures(client_as(world.specialist_b).get("/").content.decode())
    assert found["unassigned_portal"][1] == 0 and found["my_overdue"][1] == 0


@pytest.mark.parametrize("post", [*POSTS, "admin"])
def test_a_home_costs_the_same_queries_with_three_times_the_rows(world, busy, client_as, post):
    client = client_as(world.users[post])

    def measure():
        # Nothing kept: the period figures are computed, not read from the cache.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    before = measure()
    busy(2)
    assert measure() == before


@pytest.mark.parametrize("post", POSTS)
def test_a_home_reads_the_ticket_data_version_once(world, busy, client_as, post):
    """Each kept figure and count of a home is keyed by the ticket data version; the home
    reads it once and every figure uses that reading (web/home.py `_ticket_version`)."""
    client = client_as(world.users[post])
    busy()
    for kept in (False, True):  # the figures computed, then read from the cache
        if not kept:
            cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        reads = [q for q in ctx.captured_queries if 'MAX("id") FROM "tickets_ticket"' in q["sql"]]
        assert len(reads) <= 1, post


@pytest.mark.parametrize("post", ["manager", "supervisor"])
def test_kept_period_figures_follow_a_new_ticket(world, busy, client_as, post):
    """The period figures are kept in the cache (web/home.py `_kept`) only until a ticket
    changes: a ticket recorded after the first look shows at the next."""
    client = client_as(world.users[post])
    key = "week_all" if post == "manager" else "total"
    before = figures(client.get("/").content.decode())[key][1]
    assert figures(client.get("/").content.decode())[key][1] == before  # kept
    busy()
    after = figures(client.get("/").content.decode())
    assert after[key][1] > before
    assert rows_of(client, after[key][0]) == after[key][1]


def test_queue_tabs_show_each_queues_size(world, busy, client_as):
    client = client_as(world.specialist)
    page = client.get("/tickets/?queue=mine").content.decode()
    for key in ("mine", "team", "overdue", "unassigned", "return_visits"):
        size = re.search(rf'id="tab-{key}">[^<]*<span [^>]*data-count="(\d+)"', page)
        assert size, key
        assert rows_of(client, f"/tickets/?queue={key}") == int(size.group(1)), key


@pytest.mark.parametrize(
    "query",
    ["due=tomorrow", "attention=everything"],
)
def test_a_bad_filter_value_is_refused_with_a_message(world, busy, client_as, query):
    response = client_as(world.manager).get(f"/tickets/?queue=team&{query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "invalid-feedback" in page
    assert page.count("data-ticket=") == rows_of(client_as(world.manager), "/tickets/?queue=team")


def test_the_api_lists_the_same_slices(world, busy, api_as):
    api = api_as(world.manager)
    body = api.get("/api/v1/tickets", queue="team", attention="unacknowledged").json()
    assert len(body["items"]) == 1
    bad = api.get("/api/v1/tickets", queue="team", due="tomorrow")
    assert bad.status_code in (400, 422)
    assert {"code", "message", "field"} <= set(bad.json())


def test_bad_list_filters_of_the_other_lists(world, client_as):
    client = client_as(world.assistant)
    page = client.get("/residents/?without_home=yes")
    assert page.status_code == 200 and "without_home" in page.content.decode()
    page = client.get("/reports/surveys/?report=nonsense")
    assert page.status_code == 200 and "report" in page.content.decode()


def test_the_assistants_home_shows_each_data_problem_with_its_list(world, client_as):
    from wuyedesk.properties.models import Resident

    Resident.objects.create(community=world.a, name="无联系", phone="")
    client = client_as(world.assistant)
    found = figures(client.get("/").content.decode())
    url, n = found["dq_no_contact"]
    assert n == 1 and rows_of(client, url) == 1
    assert "无联系" in client.get(url).content.decode()


def test_the_menu_has_at_most_seven_entries_with_the_posts_most_used_first(
    world, client_as, settings
):
    for name in ("manager", "specialist", "assistant", "worker", "supervisor", "executive"):
        context = client_as(world.users[name]).get("/").context
        bar = context["nav_bar"]
        assert len(bar) <= 7, (name, [e["label"] for e in bar])
        assert bar[0]["url"] == "/"
    specialist = client_as(world.specialist).get("/").context["nav_bar"]
    assert specialist[1]["url"] == "/tickets/new/"  # taking a call: first after the home
    assert specialist[2]["key"] == "work"
    admin = client_as(world.admin).get("/").context["nav_bar"]
    assert admin[2]["key"] == "settings"
    executive = client_as(world.executive).get("/").context["nav_bar"]
    assert executive[1]["key"] == "reports"


def test_a_person_with_two_posts_gets_the_first_posts_order(world, client_as):
    both = make_staff("both", [Post.SPECIALIST, Post.MANAGER], [world.a], None, "双岗")
    bar = client_as(both).get("/").context["nav_bar"]
    assert [e.get("key") for e in bar][2:4] == ["work", "quality"]


@pytest.mark.parametrize("post", [*POSTS, "admin"])
def test_the_api_gives_the_homes_numbers_as_the_page_does(world, busy, client_as, api_as, post):
    page = figures(client_as(world.users[post]).get("/").content.decode())
    response = api_as(world.users[post]).get("/api/v1/home")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["post"] == ("department" if post == "worker" else post)
    assert {n["key"]: (n["url"], n["n"]) for n in body["numbers"]} == page


def test_the_homes_api_is_for_staff(world, api_as):
    from wuyedesk.testing import assert_api_error

    assert_api_error(api_as(world.users["resident"]).get("/api/v1/home"), 403, "permission_denied")


def test_kept_item_counts_and_department_follow_their_writes(world, busy, client_as):
    """The homes keep their improvement-item counts until an item or a measure is written
    (improvements.selectors.VERSION), and the worker's department until the reference data
    changes: a new item and a renamed department show on the next view."""
    from wuyedesk.improvements.services import item_create

    client = client_as(world.worker)
    before = figures(client.get("/").content.decode())["my_items"][1]
    item_create(
        by=world.manager,
        title="更换门禁读卡器",
        source="meeting",
        department=world.engineering,
        measures="更换并测试",
        due=timezone.localdate() + timezone.timedelta(days=7),
        owner=world.worker,
        community=world.a,
    )
    page = client.get("/").content.decode()
    assert figures(page)["my_items"][1] == before + 1
    world.engineering.name = "工程维修部"
    world.engineering.save()
    assert "工程维修部" in client.get("/").content.decode()


def test_the_specialists_kept_task_count_follows_a_task_given_and_done(world, client_as):
    """My tasks are kept under the tasks' version: a task given shows on the next view, and
    one reported done (an update, which sends no signal) leaves it at once."""
    from wuyedesk.tickets.assignments.services import task_create, task_done

    client = client_as(world.specialist)

    def tasks():
        return figures(client.get("/").content.decode())["my_tasks"][1]

    assert tasks() == 0
    task = task_create(
        by=world.manager,
        assignee=world.specialist,
        title="回访 3 栋业主",
        due=timezone.now() + timezone.timedelta(days=1),
    )
    assert tasks() == 1
    task_done(by=world.specialist, task=task, result="已回访")
    assert tasks() == 0


def test_the_assistants_overview_counts_a_new_resident_at_once(world, client_as):
    """The community overview is kept until rooms, residents or households change
    (properties.selectors.RECORDS_VERSION): a resident moving in shows on the next view."""

    from wuyedesk.testing import make_resident

    client = client_as(world.users["assistant"])

    def residents_of_a():
        page = client.get("/").content.decode()
        link = reverse("record_detail", args=["communities", world.a.pk])
        row = page.split(f'href="{link}"')[1].split("</tr>")[0]
        rooms, occupied, residents = (int(n) for n in re.findall(r">(\d+)<", row))
        return rooms, occupied, residents

    rooms, occupied, residents = residents_of_a()
    make_resident(world.rooms_a[0], name="新住户", phone="13900000123")  # an occupied room
    assert residents_of_a() == (rooms, occupied, residents + 1)
