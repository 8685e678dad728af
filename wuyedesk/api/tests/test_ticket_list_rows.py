"""The ticket list API reads only what it shows (tickets/rows.py list_items: values() and the
reference data's names): its items must be exactly what the TicketOut schema makes of the same
tickets read whole, for every shape of ticket."""

import datetime as dt
import json

from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from wuyedesk.tickets import services
from wuyedesk.tickets.models import Ticket
from wuyedesk.tickets.schemas import TicketOut


def _schema_json(ticket) -> dict:
    dumped = TicketOut.model_validate(ticket).model_dump()
    return json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))


def test_list_items_equal_the_schema_of_each_ticket(world, call, categories, api_as):
    plain = call()  # a resident in a room, owned by the specialist
    public_area = call(room=None, resident=None, building=world.rooms_a[0].unit.building)
    community_wide = call(room=None, resident=None, community=world.a, kind="complaint")
    transferred = call()
    services.ticket_transfer(
        by=world.specialist, ticket=transferred, department=world.engineering, note="请上门"
    )
    answered = call(answer="周二停水,已告知")
    overdue = call()
    past = timezone.now() - dt.timedelta(hours=1)
    Ticket.objects.filter(pk=overdue.pk).update(next_due=past, overdue_since=past)
    Ticket.objects.filter(pk=public_area.pk).update(owner=None)

    response = api_as(world.manager).get("/api/v1/tickets", queue="all", limit=50)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    items = {item["id"]: item for item in response.json()["items"]}
    shown = [plain, public_area, community_wide, transferred, answered, overdue]
    assert set(items) == {t.pk for t in shown}
    for ticket in Ticket.objects.filter(pk__in=items).select_related(
        "category__parent",
        "community",
        "building",
        "room__unit__building__community",
        "resident",
        "owner__staff",
        "department",
    ):
        assert items[ticket.pk] == _schema_json(ticket), ticket.number
    assert items[overdue.pk]["overdue"] is True
    assert items[plain.pk]["resident"]["phone"] == "138****5678"
    assert items[transferred.pk]["department"]["name"] == world.engineering.name


def test_renamed_reference_data_shows_on_the_next_request(world, call, categories, api_as):
    """A rename of a community, department, category or staff member shows in the list at
    once."""
    ticket = call()
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note="请上门"
    )
    client = api_as(world.manager)

    def item():
        items = client.get("/api/v1/tickets", queue="all").json()["items"]
        return next(i for i in items if i["id"] == ticket.pk)

    before = item()
    assert before["community"]["name"] == world.a.name
    world.a.name = "新名小区"
    world.a.save()
    world.engineering.name = "工程维修部"
    world.engineering.save()
    ticket.category.name = "新分类名"
    ticket.category.save()
    staff = world.specialist.staff
    staff.name = "改名客服"
    staff.save()
    world.specialist.username = "renamed-specialist"
    world.specialist.save()
    after = item()
    assert after["community"]["name"] == "新名小区"
    assert after["department"]["name"] == "工程维修部"
    assert after["category"]["name"].endswith("新分类名")
    assert after["owner"]["name"] == "改名客服"
    staff.name = ""  # without a name, the username shows
    staff.save()
    assert item()["owner"]["name"] == "renamed-specialist"
