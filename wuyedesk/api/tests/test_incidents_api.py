"""/api/v1/incidents: one event links many residents' tickets; one update reaches them all."""

import pytest

from wuyedesk.tickets import services
from wuyedesk.tickets.models import Incident, TicketEvent

URL = "/api/v1/incidents"


@pytest.fixture
def lift_tickets(world, categories):
    """Three residents of building 1 report the lift."""

    def report(room):
        return services.ticket_create(
            by=world.specialist,
            kind="repair",
            channel="phone",
            category=categories["LIFT"],
            title="",
            description="电梯停运,困在家里出不去",
            room=room,
        )

    return [report(room) for room in world.rooms_a]


@pytest.fixture
def incident(world, api_as, lift_tickets):
    response = api_as(world.manager).post(
        URL,
        {
            "community": world.a.id,
            "building": world.rooms_a[0].unit.building.id,
            "title": "1栋电梯停运",
            "tickets": [t.id for t in lift_tickets[:2]],
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_links_the_tickets(world, incident, lift_tickets):
    assert incident["severity"] == "emergency"
    assert incident["created_by"]["name"] == "王经理"
    assert {t["id"] for t in incident["tickets"]} == {t.id for t in lift_tickets[:2]}
    assert Incident.objects.get().tickets.count() == 2


def test_link_one_more_ticket(world, api_as, incident, lift_tickets):
    response = api_as(world.specialist).post(
        f"{URL}/{incident['id']}/tickets", {"ticket": lift_tickets[2].id}
    )

    assert response.status_code == 200, response.content
    assert len(response.json()["tickets"]) == 3


def test_one_update_reaches_every_linked_ticket(world, api_as, incident, lift_tickets):
    response = api_as(world.manager).post(
        f"{URL}/{incident['id']}/updates", {"text": "维保人员已到场,预计18点恢复"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["reached"] == 2
    for ticket in lift_tickets[:2]:
        body = api_as(world.specialist).get(f"/api/v1/tickets/{ticket.id}").json()
        last = body["timeline"][-1]
        assert last["kind"] == "incident" and last["public"] is True
        assert last["body"] == "维保人员已到场,预计18点恢复"
    assert not TicketEvent.objects.filter(ticket=lift_tickets[2], body__contains="维保").exists()


def test_update_can_close_the_incident(world, api_as, incident):
    api = api_as(world.manager)

    api.post(f"{URL}/{incident['id']}/updates", {"text": "已恢复", "close": True})

    assert api.get(f"{URL}/{incident['id']}").json()["closed_at"] is not None
    assert [i["id"] for i in api.get(URL, open=True).json()["items"]] == []
    assert [i["id"] for i in api.get(URL, open=False).json()["items"]] == [incident["id"]]


def test_empty_update_is_a_422_and_reaches_nobody(world, api_as, incident):
    events = TicketEvent.objects.count()

    response = api_as(world.manager).post(f"{URL}/{incident['id']}/updates", {"text": " "})

    assert response.status_code == 422
    assert response.json()["field"] == "text"
    assert TicketEvent.objects.count() == events


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("post", "/tickets", {"ticket": 1}),
        ("post", "/updates", {"text": "x"}),
    ],
)
def test_another_communitys_specialist_gets_404(world, api_as, incident, method, path, body):
    api = api_as(world.specialist_b)
    url = f"{URL}/{incident['id']}{path}"

    response = api.get(url) if method == "get" else api.post(url, body)

    assert response.status_code == 404
    assert api.get(URL).json()["items"] == []


def test_department_worker_may_not_create_or_update(world, api_as, incident):
    api = api_as(world.worker)

    created = api.post(URL, {"community": world.a.id, "title": "停水"})
    updated = api.post(f"{URL}/{incident['id']}/updates", {"text": "x"})

    assert created.status_code == 403 and updated.status_code == 403
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"community": "b"}, "community"),
        ({"building": "building_b"}, "building"),
        ({"tickets": "ticket_b"}, "tickets"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_incident_input_is_a_422_and_creates_nothing(world, api_as, categories, fields, field):
    ticket_b = services.ticket_create(
        by=world.specialist_b,
        kind="repair",
        channel="phone",
        category=categories["LIFT"],
        title="",
        description="电梯坏了",
        room=world.rooms_b[0],
    )
    values = {
        "b": world.b.id,
        "building_b": world.rooms_b[0].unit.building.id,
        "ticket_b": [ticket_b.id],
    }
    body = {"community": world.a.id, "title": "停电"}
    body.update({k: values.get(v, v) for k, v in fields.items()})

    response = api_as(world.manager).post(URL, body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Incident.objects.exists()


def test_building_of_another_community_is_refused_to_the_administrator_too(world, api_as):
    """The administrator sees both communities: the service itself checks the pair."""
    staff = world.admin.staff
    staff.posts.create(post="manager")

    response = api_as(world.admin).post(
        URL,
        {"community": world.a.id, "building": world.rooms_b[0].unit.building.id, "title": "停电"},
    )

    assert response.status_code == 422
    assert response.json()["field"] == "building"
    assert not Incident.objects.exists()
