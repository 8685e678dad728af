"""Customer 360 (SPE-3) on the resident page: tickets, contacts and return visits of the
resident and of their rooms."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.testing import make_resident
from wuyedesk.tickets import services


def one_measure(world):
    """The corrective measure a decision needs (CMP-3, the regulation's default)."""
    return {"what": "整改", "department": world.engineering, "due": dt.date(2030, 1, 1)}


def _page(client, resident):
    response = client.get(f"/residents/{resident.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_resident_page_shows_tickets_contacts_and_return_visits(world, call, categories, client_as):
    own = call(description="我家卫生间漏水")
    services.ticket_follow_up(by=world.specialist, ticket=own, channel="phone", text="师傅明天上门")
    # A neighbour reports for the same room; and a room ticket without a named customer.
    neighbour = make_resident(world.rooms_a[1], name="王芳", phone="13900001111")
    for_the_room = call(resident=neighbour, description="楼上漏水到我家")
    no_name = call(resident=None, description="门口灯坏了")
    elsewhere = call(resident=neighbour, room=world.rooms_a[1], description="王芳家的事")
    complaint = call(kind="complaint", category=categories["ATTITUDE"], description="态度差")
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="教育", measures=[one_measure(world)]
    )
    services.ticket_feedback(by=world.specialist, ticket=complaint, channel="phone", text="已处理")
    services.ticket_return_visit(
        by=world.specialist,
        ticket=complaint,
        channel="phone",
        reached=True,
        satisfaction="partly",
        words="还行吧",
    )
    page = _page(client_as(world.specialist), world.resident_a)
    section = page[page.index('id="customer-360"') :]
    for ticket in (own, for_the_room, no_name, complaint):
        assert ticket.number in section
    assert elsewhere.number not in section
    assert "师傅明天上门" in section  # the follow-up contact
    assert "还行吧" in section and "基本满意" in section  # the return visit and its rating


def test_only_tickets_the_viewer_may_see(world, call, client_as):
    own = call()
    services.ticket_transfer(
        by=world.specialist, ticket=own, department=world.engineering, note="x"
    )
    other = call()
    page = _page(client_as(world.worker), world.resident_a)
    assert own.number in page and other.number not in page


def test_resident_page_queries_do_not_grow_with_history(world, call, client_as):
    client = client_as(world.specialist)
    for _ in range(2):
        t = call()
        services.ticket_follow_up(by=world.specialist, ticket=t, channel="phone", text="已联系")
    _page(client, world.resident_a)  # posts, scope and policy are kept after a first visit
    with CaptureQueriesContext(connection) as few:
        _page(client, world.resident_a)
    for _ in range(15):
        t = call()
        services.ticket_follow_up(by=world.specialist, ticket=t, channel="phone", text="已联系")
    with CaptureQueriesContext(connection) as many:
        _page(client, world.resident_a)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_out_of_scope_resident_is_not_found(world, client_as):
    response = client_as(world.specialist_b).get(f"/residents/{world.resident_a.pk}/")
    assert response.status_code == 404
