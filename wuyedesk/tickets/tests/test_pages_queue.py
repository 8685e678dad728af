"""The queues at /tickets/?queue=… : filters, search, overdue rows, paging, constant queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuyedesk.tickets import services
from wuyedesk.tickets.models import Ticket
from wuyedesk.tickets.selectors import COUNTED_QUEUES
from wuyedesk.tickets.views.tickets import PAGE_SIZE, QUEUES


def one_measure(world):
    """The corrective measure a decision needs (CMP-3, the regulation's default)."""
    return {"what": "整改", "department": world.engineering, "due": dt.date(2030, 1, 1)}


def _many(world, call, categories, n):
    """n tickets in different shapes: owners, departments, rooms, residents, severities."""
    made = []
    for i in range(n):
        ticket = call(
            kind=["inquiry", "repair", "complaint"][i % 3],
            severity="major" if i % 5 == 0 else "normal",
            room=world.rooms_a[i % len(world.rooms_a)],
            resident=world.resident_a if i % 2 else None,
            category=categories["UTILITY"] if i % 2 else categories["LIFT"],
            description=f"第{i}号 卫生间漏水",
        )
        if i % 4 == 1:
            services.ticket_transfer(
                by=world.specialist, ticket=ticket, department=world.engineering, note="上门"
            )
        if i % 6 == 2:  # a complaint given its result: waits for the return visit
            services.ticket_decide(
                by=world.manager, ticket=ticket, decision="处理", measures=[one_measure(world)]
            )
            services.ticket_feedback(by=world.specialist, ticket=ticket, channel="phone", text="好")
        if i % 3 == 0:
            now = timezone.now()
            Ticket.objects.filter(pk=ticket.pk).update(owner=None, next_due=now, overdue_since=now)
        made.append(ticket)
    return made


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(ctx.captured_queries), response


# Who looks at each queue in the test, so that every queue has rows to show.
VIEWERS = {
    "mine": "specialist",
    "team": "manager",
    "department": "worker",
    "overdue": "manager",
    "unassigned": "assistant",
    "return_visits": "specialist",
    "all": "manager",
}


@pytest.mark.parametrize("queue", list(QUEUES))
def test_queue_queries_do_not_grow_with_rows(world, call, categories, client_as, queue):
    client = client_as(getattr(world, VIEWERS[queue]))
    _many(world, call, categories, 3)
    url = f"/tickets/?queue={queue}"
    client.get(url)  # the filter fields and the badges are kept after the first visit
    small, response = _count(client, url)
    rows_small = response.content.decode().count("data-ticket=")
    _many(world, call, categories, 27)
    client.get(url)  # the new tickets' notifications changed the unread badge: kept again
    large, response = _count(client, url)
    rows_large = response.content.decode().count("data-ticket=")
    assert rows_large > rows_small > 0, (rows_small, rows_large)
    assert large == small, f"{queue}: {small} queries with 3 tickets, {large} with 30"


def test_queue_with_filters_and_search_keeps_constant_queries(world, call, categories, client_as):
    client = client_as(world.specialist)
    url = (
        f"/tickets/?queue=all&q=漏水&community={world.a.pk}&kind=inquiry"
        f"&category={categories['REPAIR'].pk}&status=open&severity=normal&channel=phone"
        "&date_from=2020-01-01&date_to=2099-12-31"
    )
    _many(world, call, categories, 6)  # one of them matches every filter
    client.get(url)  # posts, scope and policy are kept after a first visit
    small, response = _count(client, url)
    assert response.content.decode().count("data-ticket=") == 1
    _many(world, call, categories, 27)
    client.get(url)  # the new tickets' notifications changed the unread badge: kept again
    large, response = _count(client, url)
    assert large == small
    assert response.content.decode().count("data-ticket=") > 3


def test_mine_lists_my_open_tickets_soonest_first(world, call, client_as):
    late = call(contact_at=timezone.now() - dt.timedelta(hours=20))
    soon = call(contact_at=timezone.now() - dt.timedelta(hours=23))
    closed = call(answer="已解答")
    page = client_as(world.specialist).get("/tickets/").content.decode()
    assert page.index(soon.number) < page.index(late.number)
    assert closed.number not in page


def test_overdue_rows_are_highlighted(world, call, client_as):
    ticket = call()
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(next_due=now, overdue_since=now)
    page = client_as(world.specialist).get("/tickets/?queue=overdue").content.decode()
    row = page[page.index(f'data-ticket="{ticket.pk}"') - 40 :]
    assert 'class="table-danger"' in row[:60]
    assert "超时" in page


def test_department_queue_of_a_worker(world, call, client_as):
    sent, kept = call(), call()
    services.ticket_transfer(
        by=world.specialist, ticket=sent, department=world.engineering, note="上门"
    )
    client = client_as(world.worker)
    page = client.get("/tickets/").content.decode()  # a worker lands on the department queue
    assert sent.number in page and kept.number not in page
    assert client.get(f"/tickets/{kept.pk}/").status_code == 404


def test_desk_picks_a_department_queue(world, call, client_as):
    sent, kept = call(), call()
    services.ticket_transfer(
        by=world.specialist, ticket=sent, department=world.engineering, note="上门"
    )
    page = (
        client_as(world.specialist)
        .get(f"/tickets/?queue=department&department={world.engineering.pk}")
        .content.decode()
    )
    assert sent.number in page and kept.number not in page


@pytest.mark.parametrize(
    ("param", "value", "expect_a"),
    [
        ("kind", "complaint", False),
        ("kind", "inquiry", True),
        ("severity", "major", False),
        ("channel", "phone", True),
        ("channel", "email", False),
        ("status", "open", True),
        ("date_from", "2099-01-01", False),
        ("date_to", "2000-01-01", False),
    ],
)
def test_filters(world, call, client_as, param, value, expect_a):
    a = call()
    page = client_as(world.specialist).get(f"/tickets/?queue=all&{param}={value}").content
    assert (a.number in page.decode()) is expect_a


def test_contact_date_filter_uses_the_company_day(world, call, client_as):
    # 2026-03-01 23:30 in Shanghai is 15:30 UTC: it is on the 1st, not the 2nd.
    contact = timezone.make_aware(dt.datetime(2026, 3, 1, 23, 30))
    ticket = call(contact_at=contact)
    client = client_as(world.specialist)
    on_day = client.get("/tickets/?queue=all&date_from=2026-03-01&date_to=2026-03-01")
    next_day = client.get("/tickets/?queue=all&date_from=2026-03-02&date_to=2026-03-02")
    assert ticket.number in on_day.content.decode()
    assert ticket.number not in next_day.content.decode()


def test_category_filter_includes_the_children(world, call, categories, client_as):
    lift = call(category=categories["LIFT"])
    cleaning = call(category=categories["CLEANING"])
    page = (
        client_as(world.specialist)
        .get(f"/tickets/?queue=all&category={categories['REPAIR'].pk}")
        .content.decode()
    )
    assert lift.number in page and cleaning.number not in page


def test_community_filter_outside_the_scope_is_refused(world, call, client_as):
    call()
    response = client_as(world.specialist).get(f"/tickets/?queue=all&community={world.b.pk}")
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()


def test_search_chinese_and_phone(world, call, client_as):
    leak = call(description="卫生间漏水")
    lift = call(description="电梯异响", resident=None)
    client = client_as(world.specialist)
    page = client.get("/tickets/?queue=all&q=漏水").content.decode()
    assert leak.number in page and lift.number not in page
    page = client.get("/tickets/?queue=all&q=138 1234 5678").content.decode()
    assert leak.number in page and lift.number not in page


def test_queue_never_shows_other_communities(world, call, categories, client_as):
    from wuyedesk.tickets.services import ticket_create

    other = ticket_create(
        by=world.specialist_b,
        kind="inquiry",
        channel="phone",
        category=categories["UTILITY"],
        title="",
        description="B 小区漏水",
        room=world.rooms_b[0],
    )
    page = client_as(world.specialist).get("/tickets/?queue=all").content.decode()
    assert other.number not in page


def test_paging_without_count(world, call, categories, client_as):
    _many(world, call, categories, PAGE_SIZE + 2)
    client = client_as(world.specialist)
    with CaptureQueriesContext(connection) as ctx:
        first = client.get("/tickets/?queue=all").content.decode()
    # The list pages without COUNT; the COUNTs are the tabs' sizes of the open queues
    # (issue #12), one per tab over open tickets, never over the whole "all" list.
    counts = [
        q["sql"].upper()
        for q in ctx.captured_queries
        if "tickets_ticket" in q["sql"] and "COUNT(" in q["sql"].upper()
    ]
    # The department's tab: no open dispatch of the specialist's department, so 0 without
    # a COUNT (queue_q reads the department's open dispatches first).
    assert len(counts) == len(COUNTED_QUEUES) - 1, counts
    assert all('"CLOSED_AT" IS NULL' in sql for sql in counts), counts
    assert first.count("data-ticket=") == PAGE_SIZE
    assert 'rel="next"' in first
    second = client.get("/tickets/?queue=all&page=2").content.decode()
    assert second.count("data-ticket=") == 2
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert client.get("/tickets/?queue=all&page=abc").status_code == 200


def test_unknown_queue_is_not_found(world, client_as):
    assert client_as(world.specialist).get("/tickets/?queue=nope").status_code == 404


def test_return_visit_queue(world, call, categories, client_as):
    complaint = call(kind="complaint", category=categories["ATTITUDE"], description="态度差")
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="教育", measures=[one_measure(world)]
    )
    services.ticket_feedback(by=world.specialist, ticket=complaint, channel="phone", text="已处理")
    other = call()
    page = client_as(world.specialist).get("/tickets/?queue=return_visits").content.decode()
    assert complaint.number in page and other.number not in page


def test_ticket_page_queries_do_not_grow_with_the_timeline(world, call, client_as):
    ticket = call()
    client = client_as(world.specialist)
    url = f"/tickets/{ticket.pk}/"
    for _ in range(2):
        services.ticket_comment(by=world.specialist, ticket=ticket, text="备注")
    client.get(url)  # posts, scope and policy are kept after a first visit
    services.ticket_comment(by=world.specialist, ticket=ticket, text="备注")  # timeline redrawn
    small, _response = _count(client, url)
    for _ in range(20):
        services.ticket_comment(by=world.assistant, ticket=ticket, text="备注")
        services.ticket_comment(by=world.specialist, ticket=ticket, text="消息", public=True)
    large, response = _count(client, url)
    assert large == small
    assert response.content.decode().count('data-kind="comment"') == 23
    # Nothing added since: the drawn timeline is reused; its rows, the customer's rating and
    # confirmation are not read again (a rating and a confirmation each add an event).
    again, response = _count(client, url)
    assert again == large - 3
    assert response.content.decode().count('data-kind="comment"') == 23


def test_ticket_page_masks_its_csrf_token_once(world, call, client_as):
    """Every form of the page, the base page's and the ticket's, carries one masked token
    (masking one costs 32 random draws); and it is a token the page's actions accept."""
    ticket = call()
    client = client_as(world.specialist)
    client.handler.enforce_csrf_checks = True
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert len(tokens) >= 3 and len(set(tokens)) == 1
    response = client.post(
        f"/tickets/{ticket.pk}/comment/", {"text": "备注", "csrfmiddlewaretoken": tokens[0]}
    )
    assert response.status_code == 302
    assert ticket.events.filter(kind="comment").exists()


def test_ticket_page_shows_clocks_in_shanghai_time(world, call, client_as):
    contact = timezone.make_aware(dt.datetime(2026, 3, 1, 8, 0), dt.UTC)  # 16:00 in Shanghai
    ticket = call(contact_at=contact)
    page = client_as(world.specialist).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "2026-03-02 16:00" in page  # follow-up due 24 h later, local time
    assert "北京时间" in page
    assert "已超时" in page


def test_ticket_page_shows_time_left(world, call, client_as):
    ticket = call()
    page = client_as(world.specialist).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "剩余 23小时" in page
    assert "跟进期限" in page


def test_queue_search_by_phone_posts_and_keeps_the_queue(world, call, client_as):
    ticket = call()
    client = client_as(world.specialist)
    response = client.post("/tickets/?queue=team", {"q": "13812345678"})
    assert response.status_code == 200
    assert ticket.number in response.content.decode()
    assert response.context["queue"] == "team"
    assert "13812345678" not in response.context["query"]


def test_queue_rows_escape_what_people_typed(world, call, client_as):
    """The rows (jinja2/tickets/queue_rows.html) escape the title people typed."""
    ticket = call(title='<script>alert("x")</script> & 漏水')
    page = client_as(world.manager).get("/tickets/?queue=all").content.decode()
    row = page[page.index(f'data-ticket="{ticket.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "<script>" not in row
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 漏水" in row
    assert f'href="/tickets/{ticket.pk}/">{ticket.number}</a>' in row


def test_queue_rows_from_jinja2_escape_a_stored_script_and_show_overdue(world, call, client_as):
    """The rows come from the Jinja2 engine (wuyedesk/jinja2/tickets/queue_rows.html): a
    script stored in a title is shown as text, and an overdue ticket's row is marked and
    carries the badge."""
    ticket = call(title="<script>alert(1)</script>")
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(next_due=now, overdue_since=now)
    page = client_as(world.manager).get("/tickets/?queue=overdue").content.decode()
    start = page.index(f'<tr class="table-danger" data-ticket="{ticket.pk}">')
    row = page[start : page.index("</tr>", start)]
    assert "<script>" not in page
    assert '<td class="wrap">&lt;script&gt;alert(1)&lt;/script&gt;</td>' in row
    assert '<span class="badge text-bg-danger">超时</span>' in row
    assert get_template("tickets/queue_rows.html", using="jinja2")
    with pytest.raises(TemplateDoesNotExist):  # no Django-template copy of the rows left
        get_template("tickets/queue_rows.html", using="django")


def test_empty_queue_says_so(world, client_as):
    page = client_as(world.manager).get("/tickets/?queue=overdue").content.decode()
    assert "没有工单。" in page and "data-ticket=" not in page


def test_filter_fields_are_every_field_of_the_form():
    from wuyedesk.tickets.action_forms import QueueFilterForm

    assert set(QueueFilterForm.FIELDS) == set(QueueFilterForm.base_fields)


def test_kept_filter_choices_follow_a_new_community(world, call, client_as):
    """The unfiltered queue keeps its filter fields a minute; a change to the reference
    data shows at once, and a submitted filter is always checked against current data."""
    from wuyedesk.properties.models import Community

    client = client_as(world.manager)
    first = client.get("/tickets/?queue=team").content.decode()
    assert "新开小区" not in first
    world.manager.staff.communities.add(Community.objects.create(code="NEW1", name="新开小区"))
    again = client.get("/tickets/?queue=team").content.decode()
    assert "新开小区" in again
    assert again.count('name="community"') == 1


def test_unfiltered_queue_builds_no_form_the_second_time(world, call, client_as):
    client = client_as(world.manager)
    with CaptureQueriesContext(connection) as first:
        client.get("/tickets/?queue=team")
    with CaptureQueriesContext(connection) as second:
        response = client.get("/tickets/?queue=team")

    def choices(ctx):
        tables = ("tickets_category", "properties_department", '"properties_community"."name"')
        return [q for q in ctx.captured_queries if any(t in q["sql"] for t in tables)]

    assert len(choices(first)) == 3 and choices(second) == []
    assert 'name="category"' in response.content.decode()


def test_search_alone_uses_the_kept_filter_fields(world, call, client_as):
    ticket = call(description="卫生间漏水")
    client = client_as(world.manager)
    client.get("/tickets/?queue=all")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/tickets/?queue=all&q=+漏水+").content.decode()
    assert f'data-ticket="{ticket.pk}"' in page
    assert 'name="q" value=" 漏水 "' in page  # the search box keeps what was typed
    assert not [q for q in ctx.captured_queries if "tickets_category" in q["sql"]]


def test_renamed_reference_data_shows_in_the_rows_at_once(world, call, client_as):
    """The rows take community, department and owner names from what each process keeps of
    the reference data (tickets/rows.py REFERENCE_NAMES): a rename shows on the next page."""
    ticket = call()
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note="请上门"
    )
    client = client_as(world.manager)

    def row():
        page = client.get("/tickets/?queue=all").content.decode()
        found = page[page.index(f'data-ticket="{ticket.pk}"') :]
        return found[: found.index("</tr>")]

    before = row()
    assert world.a.name in before and world.engineering.name in before
    world.a.name = "新名小区"
    world.a.save()
    world.engineering.name = "工程维修部"
    world.engineering.save()
    staff = world.specialist.staff
    staff.name = "改名客服"
    staff.save()
    after = row()
    assert "新名小区" in after and "工程维修部" in after and "改名客服" in after


def test_the_drawn_timeline_is_kept_per_language(world, call, client_as):
    """The timeline drawn for a reader in Chinese is not served to one in English."""
    ticket = call()
    url = f"/tickets/{ticket.pk}/"
    zh = client_as(world.specialist).get(url).content.decode()
    assert "<strong>登记</strong>" in zh
    world.manager.language = "en"
    world.manager.save()
    en = client_as(world.manager).get(url).content.decode()
    assert "<strong>Logged</strong>" in en and "<strong>登记</strong>" not in en
