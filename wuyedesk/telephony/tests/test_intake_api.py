"""A ticket recorded through the API from a PBX call (`call` in the body, as the intake page's
`?call=`) links the call log row; a repeated call is recorded on the open ticket instead
(issue #12 point 6)."""

from wuyedesk.telephony.models import Call
from wuyedesk.testing import assert_api_error
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import Ticket, TicketEvent


def _ring(pbx, world, call_id="c-1", caller="13812345678", user=None):
    user = user or world.specialist
    return pbx.ring(caller, user.staff.extension, call_id=call_id).json()["id"]


def _body(world, categories, **extra):
    return {
        "kind": "repair",
        "channel": "phone",
        "category": categories["UTILITY"].pk,
        "resident": world.resident_a.pk,
        "room": world.rooms_a[0].pk,
        "description": "厨房水管漏水",
        **extra,
    }


def test_api_ticket_with_call_links_the_call_as_the_page_does(world, pbx, api_as, categories):
    pk = _ring(pbx, world)
    response = api_as(world.specialist).post("/api/v1/tickets", _body(world, categories, call=pk))
    assert response.status_code == 201, response.content
    call = Call.objects.get(pk=pk)
    assert call.ticket_id == response.json()["id"]
    # The call is on the ticket's timeline, as when the page links it.
    assert TicketEvent.objects.filter(ticket_id=call.ticket_id, kind=EventKind.CALL).exists()


def test_api_ticket_with_a_bad_call_is_refused_and_nothing_is_saved(world, pbx, api_as, categories):
    theirs = _ring(pbx, world, call_id="b", caller="13987654321", user=world.specialist_b)
    client = api_as(world.specialist)
    for call in (theirs, 999999):
        response = client.post("/api/v1/tickets", _body(world, categories, call=call))
        assert_api_error(response, 422, "invalid_choice", "call")
    assert not Ticket.objects.exists()
    # A call linked already cannot be linked again.
    mine = _ring(pbx, world)
    assert client.post("/api/v1/tickets", _body(world, categories, call=mine)).status_code == 201
    response = client.post("/api/v1/tickets", _body(world, categories, call=mine))
    assert_api_error(response, 422, "already_linked", "call")
    assert Ticket.objects.count() == 1
    response = client.post("/api/v1/tickets", _body(world, categories, call="abc"))
    assert_api_error(response, 422, "int_parsing", "call")


def test_repeat_contact_through_the_api_links_the_call(world, pbx, api_as, categories):
    client = api_as(world.specialist)
    first = client.post("/api/v1/tickets", _body(world, categories)).json()
    check = client.post(
        "/api/v1/tickets/duplicates",
        {"resident": world.resident_a.pk, "category": categories["UTILITY"].pk},
    )
    assert check.status_code == 200
    assert [t["id"] for t in check.json()["possible_duplicates"]] == [first["id"]]
    pk = _ring(pbx, world, call_id="again")
    response = client.post(
        f"/api/v1/tickets/{first['id']}/repeat-contact", {"description": "还在漏", "call": pk}
    )
    assert response.status_code == 200, response.content
    assert Ticket.objects.count() == 1
    assert Call.objects.get(pk=pk).ticket_id == first["id"]
    row = TicketEvent.objects.get(ticket_id=first["id"], kind=EventKind.CUSTOMER_REPLY)
    assert row.body == "还在漏" and row.public and row.data["repeat_contact"]
