"""A person sees only their communities' records: out of scope is a 404, as if absent."""

import pytest

from wuyedesk.properties.models import Occupancy


def records_of_a(world):
    room = world.rooms_a[0]
    return {
        "communities": world.a.pk,
        "buildings": room.building_id,
        "units": room.unit_id,
        "rooms": room.pk,
        "residents": world.resident_a.pk,
        "occupancies": Occupancy.objects.get(resident=world.resident_a).pk,
        "staff": world.specialist.staff.pk,
    }


@pytest.mark.parametrize(
    "key", ["communities", "buildings", "units", "rooms", "residents", "occupancies", "staff"]
)
def test_specialist_of_b_gets_404_for_records_of_a(world, client_as, key):
    pk = records_of_a(world)[key]
    client = client_as(world.specialist_b)
    assert client.get(f"/{key}/{pk}/").status_code == 404
    assert client.get(f"/{key}/{pk}/edit/").status_code == 404
    assert client.post(f"/{key}/{pk}/archive/").status_code == 404


@pytest.mark.parametrize(
    "key", ["communities", "buildings", "units", "rooms", "residents", "occupancies", "staff"]
)
def test_specialist_of_a_sees_records_of_a(world, client_as, key):
    pk = records_of_a(world)[key]
    assert client_as(world.specialist).get(f"/{key}/{pk}/").status_code == 200


def test_partner_serving_only_b_is_invisible_in_a(world, client_as):
    client = client_as(world.specialist)
    assert client.get(f"/departments/{world.partner_b.pk}/").status_code == 404
    assert world.partner_b.name not in client.get("/departments/").content.decode()
    assert client.get(f"/departments/{world.engineering.pk}/").status_code == 200


def test_lists_show_only_own_communities(world, client_as):
    page = client_as(world.specialist_b).get("/residents/").content.decode()
    assert world.resident_b.name in page
    assert world.resident_a.name not in page


def test_resident_who_moved_into_b_is_seen_by_b_too(world, client_as):
    Occupancy.objects.create(resident=world.resident_a, room=world.rooms_b[1], role="tenant")
    assert (
        client_as(world.specialist_b).get(f"/residents/{world.resident_a.pk}/").status_code == 200
    )


def test_executive_and_admin_see_every_community(world, client_as):
    for user in (world.executive, world.admin):
        client = client_as(user)
        assert client.get(f"/residents/{world.resident_a.pk}/").status_code == 200
        assert client.get(f"/residents/{world.resident_b.pk}/").status_code == 200


def test_resident_account_cannot_open_staff_pages(world, client_as):
    client = client_as(world.resident)
    for url in ("/residents/", f"/residents/{world.resident_a.pk}/", "/communities/", "/audit/"):
        assert client.get(url).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/residents/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_unknown_resource_is_404(world, client_as):
    assert client_as(world.admin).get("/nonsense/").status_code == 404


def test_out_of_scope_community_cannot_be_chosen_in_a_form(world, client_as):
    client = client_as(world.assistant)  # community A only
    response = client.post(
        "/residents/new/", {"name": "王五", "phone": "13700000001", "community": world.b.pk}
    )
    assert response.status_code == 200
    assert "community" in response.context["form"].errors
