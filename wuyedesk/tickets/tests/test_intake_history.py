"""Intake once the caller is chosen (issue #12 point 6): their open and recent tickets beside
the form, a likely duplicate flagged with "add to that ticket", the check through the API."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.testing import assert_api_error, policy_in_force
from wuyedesk.tickets import services
from wuyedesk.tickets.caller_history import caller_history, likely_duplicates
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import Ticket, TicketEvent

URL = "/tickets/new/"


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def form(world, categories):
    def data(**changes):
        values = {
            "resident": world.resident_a.pk,
            "room": world.rooms_a[0].pk,
            "kind": "repair",
            "category": categories["UTILITY"].pk,
            "severity": "normal",
            "channel": "phone",
            "contact_at": local(timezone.now() - dt.timedelta(minutes=5)),
            "title": "",
            "description": "水管又漏了",
            "answer": "",
        }
        values.update(changes)
        return values

    return data


def test_history_lists_the_callers_tickets_and_flags_the_duplicate(
    world, client_as, call, categories
):
    open_one = call(kind="repair")
    other = call(kind="repair", category=categories["PARKING"])
    closed = call(answer="已解答")
    params = {
        "resident": world.resident_a.pk,
        "room": world.rooms_a[0].pk,
        "category": categories["UTILITY"].pk,
    }
    page = client_as(world.specialist).get("/tickets/new/history/", params).content.decode()
    for t in (open_one, other, closed):
        assert f"/tickets/{t.pk}/" in page and t.number in page
    assert 'id="likely-duplicates"' in page
    assert f'name="add_to" value="{open_one.pk}"' in page
    assert f'name="add_to" value="{other.pk}"' not in page
    assert f'name="add_to" value="{closed.pk}"' not in page
    assert "13812345678" not in page
    # Another category: the history, without the flag.
    params["category"] = categories["PARKING"].pk
    page = client_as(world.specialist).get("/tickets/new/history/", params).content.decode()
    assert f'name="add_to" value="{other.pk}"' in page
    assert f'name="add_to" value="{open_one.pk}"' not in page


def test_history_is_scoped_to_what_the_user_may_see(world, client_as, call, categories):
    t = call(kind="repair")
    params = {"resident": world.resident_a.pk, "category": categories["UTILITY"].pk}
    page = client_as(world.specialist_b).get("/tickets/new/history/", params).content.decode()
    assert t.number not in page and "likely-duplicates" not in page
    assert client_as(world.worker).get("/tickets/new/history/", params).status_code == 403
    # Garbage ids show nothing rather than an error page.
    response = client_as(world.specialist).get("/tickets/new/history/", {"category": "x"})
    assert response.status_code == 200 and t.number not in response.content.decode()


def test_duplicate_window_comes_from_the_policy(world, call, categories):
    t = call(kind="repair")
    Ticket.objects.filter(pk=t.pk).update(created_at=timezone.now() - dt.timedelta(hours=30))
    kwargs = {"resident": world.resident_a, "category": categories["UTILITY"]}
    assert likely_duplicates(world.specialist, **kwargs) == []
    policy_in_force(duplicate_window_hours=48)
    assert [d.pk for d in likely_duplicates(world.specialist, **kwargs)] == [t.pk]
    history = caller_history(world.specialist, **kwargs)
    assert history.window_hours == 48 and [o.pk for o in history.open] == [t.pk]


def test_page_shows_the_history_of_a_chosen_caller(world, client_as, call):
    t = call(kind="repair")
    query = f"?resident={world.resident_a.pk}&room={world.rooms_a[0].pk}"
    page = client_as(world.specialist).get(URL + query).content.decode()
    assert 'id="caller-history"' in page and t.number in page
    # Picking a caller fetches the history (the fragment of the pick carries the request).
    pick = client_as(world.specialist).get("/tickets/new/pick/", {"resident": world.resident_a.pk})
    assert "/tickets/new/history/?resident=" in pick.content.decode()


def test_add_to_that_ticket_records_the_call_instead_of_a_new_ticket(world, client_as, call, form):
    t = call(kind="repair")
    response = client_as(world.specialist).post(URL, form(add_to=t.pk))
    assert response.status_code == 302 and response.url == f"/tickets/{t.pk}/"
    assert Ticket.objects.count() == 1
    row = TicketEvent.objects.get(ticket=t, kind=EventKind.CUSTOMER_REPLY)
    assert row.body == "水管又漏了" and row.actor == world.specialist and row.data["repeat_contact"]


def test_add_to_a_ticket_that_is_no_duplicate_is_refused_and_the_form_stays(
    world, client_as, call, form, categories
):
    t = call(kind="repair", category=categories["PARKING"])
    closed = call(answer="已解答", category=categories["UTILITY"])
    for target in (t, closed):
        response = client_as(world.specialist).post(URL, form(add_to=target.pk))
        assert response.status_code == 200
        page = response.content.decode()
        assert "该工单已不是此客户同一分类的未关闭工单" in page and "水管又漏了" in page
    # Somebody of another community: the ticket is out of their scope.
    response = client_as(world.specialist_b).post(URL, form(add_to=t.pk))
    assert response.status_code == 200
    assert not TicketEvent.objects.filter(kind=EventKind.CUSTOMER_REPLY).exists()
    response = client_as(world.specialist).post(URL, form(add_to=t.pk, description=""))
    assert response.status_code == 200
    assert Ticket.objects.count() == 2


def test_add_contact_service_refuses_closed_and_out_of_scope(world, call):
    closed = call(answer="已解答")
    with pytest.raises(Exception) as refused:
        services.ticket_add_contact(by=world.specialist, ticket=closed, description="再问")
    assert "closed" in str(refused.value.error_dict["ticket"][0].code)
    t = call(kind="repair")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ticket_add_contact(by=world.specialist_b, ticket=t, description="再问")
    with pytest.raises(PermissionDenied):
        services.ticket_add_contact(by=world.worker, ticket=t, description="再问")
    assert not TicketEvent.objects.filter(kind=EventKind.CUSTOMER_REPLY).exists()


def test_duplicate_check_api_bad_input_and_scope(world, api_as, call, categories):
    t = call(kind="repair")
    body = {"resident": world.resident_a.pk, "category": categories["UTILITY"].pk}
    answer = api_as(world.specialist).post("/api/v1/tickets/duplicates", body).json()
    assert answer["window_hours"] == 24
    assert [d["id"] for d in answer["possible_duplicates"]] == [t.pk]
    assert answer["possible_duplicates"][0]["resident"]["phone"] == "138****5678"
    response = api_as(world.specialist_b).post("/api/v1/tickets/duplicates", body)
    assert_api_error(response, 422, "invalid_choice", "resident")
    response = api_as(world.specialist).post(
        "/api/v1/tickets/duplicates", {"category": categories["UTILITY"].pk}
    )
    assert_api_error(response, 422, "invalid_choice", "room")
    response = api_as(world.worker).post("/api/v1/tickets/duplicates", body)
    assert response.status_code == 403
    response = api_as(world.specialist_b).post(
        f"/api/v1/tickets/{t.pk}/repeat-contact", {"description": "再问"}
    )
    assert response.status_code == 404
    response = api_as(world.specialist).post(
        f"/api/v1/tickets/{t.pk}/repeat-contact", {"description": ""}
    )
    assert_api_error(response, 422, "string_too_short", "description")
    assert not TicketEvent.objects.filter(kind=EventKind.CUSTOMER_REPLY).exists()
