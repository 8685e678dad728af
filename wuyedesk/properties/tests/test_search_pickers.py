"""Units and rooms are filed under a building or unit chosen by search, not from a select
that lists every one a company has (issue #12 point 9)."""

from wuyedesk.properties.models import Building, Room, Unit
from wuyedesk.testing import make_staff


def test_the_unit_form_lists_no_building_until_searched(world, client_as):
    Building.objects.bulk_create(
        [Building(community=world.a, name=f"{n}号楼") for n in range(100, 160)]
    )
    client = client_as(world.admin)
    page = client.get("/units/new/").content.decode()
    assert 'hx-get="/buildings/lookup/?field=building"' in page
    assert "<option" not in page.split('name="building"')[0][-2000:]
    assert "150号楼" not in page  # nothing listed until searched
    found = client.get("/buildings/lookup/", {"field": "building", "building_q": "阳光 150"})
    html = found.content.decode()
    assert "150号楼" in html and 'name="building"' in html and "151号楼" not in html


def test_a_unit_is_filed_under_the_building_picked_and_the_form_keeps_it(world, client_as):
    building = world.rooms_a[0].unit.building
    client = client_as(world.admin)
    response = client.post("/units/new/", {"building": building.pk, "name": ""})
    assert response.status_code in (200, 422)
    kept = response.content.decode()
    assert f'value="{building.pk}"' in kept and "checked" in kept  # the choice is not lost
    response = client.post("/units/new/", {"building": building.pk, "name": "9单元"})
    assert response.status_code == 302
    assert Unit.objects.filter(building=building, name="9单元").exists()


def test_a_room_is_filed_under_the_unit_picked(world, client_as):
    unit = world.rooms_a[0].unit
    client = client_as(world.admin)
    page = client.get("/rooms/new/").content.decode()
    assert 'hx-get="/units/lookup/?field=unit"' in page
    found = client.get("/units/lookup/", {"field": "unit", "unit_q": unit.name}).content.decode()
    assert f'value="{unit.pk}"' in found
    response = client.post("/rooms/new/", {"unit": unit.pk, "number": "909"})
    assert response.status_code == 302
    assert Room.objects.filter(unit=unit, number="909").exists()


def test_the_lookup_finds_nothing_out_of_scope_and_refuses_bad_input(world, client_as):
    outsider = make_staff("b-only", ["manager"], [world.b])
    client = client_as(outsider)
    a_building = world.rooms_a[0].unit.building.name
    html = client.get("/buildings/lookup/", {"field": "building", "building_q": a_building})
    assert world.a.name not in html.content.decode()
    assert client.get("/buildings/lookup/", {"field": "x<y", "x<y_q": "1"}).status_code == 400
    assert client.get("/units/lookup/", {"field": "unit", "unit_q": ""}).content.strip() == b""
    # A picked id the select would not offer (an archived unit) is refused by the field.
    from django.utils import timezone

    unit = world.rooms_a[0].unit
    Unit.objects.filter(pk=unit.pk).update(archived_at=timezone.now())
    response = client_as(world.admin).post("/rooms/new/", {"unit": unit.pk, "number": "1"})
    assert response.status_code in (200, 422) and "unit" in response.context["form"].errors
    assert not Room.objects.filter(number="1", unit=unit).exists()
    assert (
        client_as(world.admin)
        .get("/units/lookup/", {"field": "unit", "unit_q": unit.name})
        .content.decode()
        .count(f'value="{unit.pk}"')
        == 0
    )


def test_anonymous_and_residents_cannot_look_up(world, client, client_as):
    assert client.get("/units/lookup/", {"field": "unit", "unit_q": "1"}).status_code == 302
