"""The resource endpoints: scope, permissions, validation errors, pagination, audit and reveal.

Each resource is described once in SPECS; the scope and write tests run for every one of them.
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.properties.models import (
    Building,
    Community,
    Company,
    Department,
    Occupancy,
    Resident,
    Room,
    Unit,
)
from wuyedesk.testing import assert_api_error, make_staff

API = "/api/v1"


@dataclass(frozen=True)
class Spec:
    key: str
    model: type
    # A record that the insider sees and the outsider (another community's staff) does not.
    record: Callable
    create: Callable  # world -> a valid POST body
    update: dict  # a valid PATCH body
    updated: tuple[str, object]  # (model attribute, value) the PATCH leaves behind
    add_rows: Callable  # (world, n) -> None: n more rows, all visible to the admin
    insider: str = "specialist"
    outsider: str = "specialist_b"
    writer: str = "admin"
    non_writer: str = "manager"  # a persona who sees the record but may not write it
    archivable: bool = True

    def __str__(self):
        return self.key


def _building(world):
    return world.rooms_a[0].unit.building


def _unit(world):
    return world.rooms_a[0].unit


def _add_communities(world, n):
    start = Community.objects.count()
    for i in range(start, start + n):
        Community.objects.create(code=f"N{i}", name=f"新小区{i}")


def _add_buildings(world, n):
    start = Building.objects.count()
    for i in range(start, start + n):
        Building.objects.create(community=world.a, name=f"{i}号楼")


def _add_units(world, n):
    start = Unit.objects.count()
    for i in range(start, start + n):
        Unit.objects.create(building=_building(world), name=f"{i}单元")


def _add_rooms(world, n):
    start = Room.objects.count()
    for i in range(start, start + n):
        Room.objects.create(unit=_unit(world), number=f"X{i}", floor=1)


def _add_residents(world, n):
    start = Resident.objects.count()
    for i in range(start, start + n):
        Resident.objects.create(name=f"住户{i}", phone=f"137{i:08d}", community=world.a)


def _add_occupancies(world, n):
    _add_rooms(world, n)
    for room in Room.objects.filter(number__startswith="X", occupancies__isnull=True)[:n]:
        Occupancy.objects.create(resident=world.resident_a, room=room, role="tenant")


def _add_departments(world, n):
    start = Department.objects.count()
    for i in range(start, start + n):
        department = Department.objects.create(code=f"D{i}", name=f"部门{i}")
        department.communities.set([world.a, world.b])


def _add_staff(world, n):
    start = Staff.objects.count()
    for i in range(start, start + n):
        make_staff(f"extra{i}", [Post.SPECIALIST, Post.ASSISTANT], [world.a], world.engineering)


SPECS = [
    Spec(
        key="communities",
        model=Community,
        record=lambda w: w.a,
        create=lambda w: {"code": "C", "name": "碧水湾", "city": "上海市"},
        update={"name": "阳光花园二期"},
        updated=("name", "阳光花园二期"),
        add_rows=_add_communities,
    ),
    Spec(
        key="buildings",
        model=Building,
        record=_building,
        create=lambda w: {"community": w.a.id, "name": "2栋"},
        update={"name": "3栋"},
        updated=("name", "3栋"),
        add_rows=_add_buildings,
    ),
    Spec(
        key="units",
        model=Unit,
        record=_unit,
        create=lambda w: {"building": _building(w).id, "name": "2单元"},
        update={"name": "3单元"},
        updated=("name", "3单元"),
        add_rows=_add_units,
    ),
    Spec(
        key="rooms",
        model=Room,
        record=lambda w: w.rooms_a[0],
        create=lambda w: {"unit": _unit(w).id, "number": "1001", "floor": 10, "area": "89.50"},
        update={"number": "1002", "floor": 11},
        updated=("number", "1002"),
        add_rows=_add_rooms,
    ),
    Spec(
        key="residents",
        model=Resident,
        record=lambda w: w.resident_a,
        create=lambda w: {"name": "王芳", "phone": "13700001111", "community": w.a.id},
        update={"name": "张伟强"},
        updated=("name", "张伟强"),
        add_rows=_add_residents,
        writer="manager",
        non_writer="specialist",
    ),
    Spec(
        key="occupancies",
        model=Occupancy,
        record=lambda w: w.resident_a.occupancies.get(),
        create=lambda w: {
            "resident": w.resident_a.id,
            "room": w.rooms_a[1].id,
            "role": "tenant",
            "move_in": "2024-01-01",
        },
        update={"move_out": "2025-06-30"},
        updated=("move_out", dt.date(2025, 6, 30)),
        add_rows=_add_occupancies,
        writer="assistant",
        non_writer="specialist",
        archivable=False,
    ),
    Spec(
        key="departments",
        model=Department,
        # partner_b serves only community B: here B's specialist is the insider.
        record=lambda w: w.partner_b,
        create=lambda w: {"code": "BA", "name": "保安部", "communities": [w.a.id]},
        update={"contact_name": "钱队长"},
        updated=("contact_name", "钱队长"),
        add_rows=_add_departments,
        insider="specialist_b",
        outsider="specialist",
        non_writer="specialist_b",
    ),
    Spec(
        key="staff",
        model=Staff,
        record=lambda w: w.manager.staff,
        create=lambda w: {
            "username": "newcomer",
            "password": "Kf-2026-strong!",
            "name": "新人",
            "employee_no": "T-new",
            "posts": ["specialist"],
            "communities": [w.a.id],
        },
        update={"extension": "8123"},
        updated=("extension", "8123"),
        add_rows=_add_staff,
    ),
]
ARCHIVABLE = [s for s in SPECS if s.archivable]
by_spec = pytest.mark.parametrize("spec", SPECS, ids=str)


def ids_of(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def walk(api, url, **params) -> list[int]:
    """Every id of a list, following next_cursor to the end."""
    seen, cursor = [], None
    for _ in range(1000):
        response = api.get(url, **params, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200
        seen += ids_of(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("pagination never ended")


def audit_text(entries) -> str:
    return json.dumps([e.changes for e in entries], ensure_ascii=False)


# Reading: in scope


@by_spec
def test_insider_finds_the_record_in_the_list(world, api_as, spec):
    record = spec.record(world)

    response = api_as(getattr(world, spec.insider)).get(f"{API}/{spec.key}")

    assert response.status_code == 200
    assert record.id in ids_of(response)


@by_spec
def test_insider_retrieves_the_record(world, api_as, spec):
    record = spec.record(world)

    response = api_as(getattr(world, spec.insider)).get(f"{API}/{spec.key}/{record.id}")

    assert response.status_code == 200
    assert response.json()["id"] == record.id


@by_spec
def test_missing_record_is_a_json_404(world, api_as, spec):
    response = api_as(world.admin).get(f"{API}/{spec.key}/999999")

    assert_api_error(response, 404, "not_found")


# Reading: out of scope


@by_spec
def test_outsider_gets_a_json_404_for_the_record(world, api_as, spec):
    record = spec.record(world)

    response = api_as(getattr(world, spec.outsider)).get(f"{API}/{spec.key}/{record.id}")

    assert_api_error(response, 404, "not_found")


@by_spec
def test_outsider_never_sees_the_record_in_the_list(world, api_as, spec):
    record = spec.record(world)
    api = api_as(getattr(world, spec.outsider))

    assert record.id not in walk(api, f"{API}/{spec.key}", archived=True)
    assert record.id not in walk(api, f"{API}/{spec.key}", q=str(record)[:2])


@pytest.mark.parametrize("key", ["buildings", "units", "rooms", "residents", "occupancies"])
def test_community_b_list_holds_only_community_b_rows(world, api_as, key):
    items = api_as(world.specialist_b).get(f"{API}/{key}", archived=True).json()["items"]

    assert items
    assert {item["community_id"] for item in items} == {world.b.id}


def test_community_b_sees_only_community_b(world, api_as):
    items = api_as(world.specialist_b).get(f"{API}/communities").json()["items"]

    assert [item["id"] for item in items] == [world.b.id]


def test_community_b_staff_list_holds_only_colleagues_of_b(world, api_as):
    items = api_as(world.specialist_b).get(f"{API}/staff").json()["items"]

    assert items
    assert all(world.b.id in item["community_ids"] for item in items)


def test_community_a_sees_departments_serving_a_and_company_wide_ones(world, api_as):
    items = api_as(world.specialist).get(f"{API}/departments").json()["items"]

    codes = {item["code"] for item in items}
    assert codes == {"GC", "KF"}


def test_filter_for_another_community_gives_an_empty_list(world, api_as):
    response = api_as(world.specialist_b).get(f"{API}/rooms", community=world.a.id)

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


@by_spec
def test_outsider_gets_a_json_404_updating_the_record(world, api_as, spec):
    record = spec.record(world)
    attr, value = spec.updated

    response = api_as(getattr(world, spec.outsider)).patch(
        f"{API}/{spec.key}/{record.id}", spec.update
    )

    assert_api_error(response, 404, "not_found")
    record.refresh_from_db()
    assert getattr(record, attr) != value


@pytest.mark.parametrize("spec", ARCHIVABLE, ids=str)
def test_outsider_gets_a_json_404_archiving_the_record(world, api_as, spec):
    record = spec.record(world)

    response = api_as(getattr(world, spec.outsider)).post(f"{API}/{spec.key}/{record.id}/archive")

    assert_api_error(response, 404, "not_found")
    record.refresh_from_db()
    assert record.archived_at is None


def test_manager_of_b_gets_404_updating_a_resident_of_a(world, api_as):
    manager_b = make_staff("manager_b", [Post.MANAGER], [world.b])

    response = api_as(manager_b).patch(f"{API}/residents/{world.resident_a.id}", {"name": "改名"})

    assert_api_error(response, 404, "not_found")
    world.resident_a.refresh_from_db()
    assert world.resident_a.name == "张伟"


def test_manager_of_b_gets_404_archiving_a_resident_of_a(world, api_as):
    manager_b = make_staff("manager_b", [Post.MANAGER], [world.b])

    response = api_as(manager_b).post(f"{API}/residents/{world.resident_a.id}/archive")

    assert_api_error(response, 404, "not_found")
    world.resident_a.refresh_from_db()
    assert world.resident_a.archived_at is None


# Writing: allowed


@by_spec
def test_writer_creates_a_record(world, api_as, spec):
    before = spec.model.objects.count()

    response = api_as(getattr(world, spec.writer)).post(f"{API}/{spec.key}", spec.create(world))

    assert response.status_code == 201, response.content
    assert spec.model.objects.count() == before + 1
    created = spec.model.objects.get(pk=response.json()["id"])
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=created.pk)
    assert entry.actor == getattr(world, spec.writer)


@by_spec
def test_writer_updates_a_record(world, api_as, spec):
    record = spec.record(world)
    attr, value = spec.updated

    response = api_as(getattr(world, spec.writer)).patch(
        f"{API}/{spec.key}/{record.id}", spec.update
    )

    assert response.status_code == 200, response.content
    record.refresh_from_db()
    assert getattr(record, attr) == value
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=record.pk).count() == 1


@by_spec
def test_patch_keeps_the_fields_it_does_not_mention(world, api_as, spec):
    record = spec.record(world)
    attr, _value = spec.updated
    before = {
        f.name: getattr(record, f.attname)
        for f in spec.model._meta.concrete_fields
        if f.name not in (attr, "updated_at") and f.name not in spec.update
    }

    api_as(getattr(world, spec.writer)).patch(f"{API}/{spec.key}/{record.id}", spec.update)

    record.refresh_from_db()
    after = {name: getattr(record, spec.model._meta.get_field(name).attname) for name in before}
    assert after == before


@pytest.mark.parametrize("spec", ARCHIVABLE, ids=str)
def test_writer_archives_a_record(world, api_as, spec):
    record = spec.record(world)
    api = api_as(getattr(world, spec.writer))

    response = api.post(f"{API}/{spec.key}/{record.id}/archive")

    assert response.status_code == 200
    assert response.json()["archived"] is True
    assert record.id not in walk(api, f"{API}/{spec.key}")
    assert record.id in walk(api, f"{API}/{spec.key}", archived=True)
    assert AuditEntry.objects.filter(action=AuditAction.ARCHIVE, object_id=record.pk).exists()


def test_archived_record_cannot_be_updated(world, api_as):
    api = api_as(world.manager)
    api.post(f"{API}/residents/{world.resident_a.id}/archive")

    response = api.patch(f"{API}/residents/{world.resident_a.id}", {"name": "改名"})

    assert_api_error(response, 403, "permission_denied")
    world.resident_a.refresh_from_db()
    assert world.resident_a.name == "张伟"


@pytest.mark.parametrize("persona", ["manager", "assistant", "admin"])
def test_record_keepers_create_residents(world, api_as, persona):
    body = {"name": "王芳", "phone": "13700001111", "community": world.a.id}

    response = api_as(getattr(world, persona)).post(f"{API}/residents", body)

    assert response.status_code == 201, response.content


def test_created_resident_is_normalised_and_returned_masked(world, api_as):
    body = {"name": "王芳", "phone": "+86 137-0000-1111", "community": world.a.id}

    response = api_as(world.manager).post(f"{API}/residents", body)

    assert response.json()["phone"] == "137****1111"
    assert Resident.objects.get(pk=response.json()["id"]).phone == "13700001111"


def test_created_staff_can_obtain_a_token(world, api_as, client):
    spec = next(s for s in SPECS if s.key == "staff")
    api_as(world.admin).post(f"{API}/staff", spec.create(world))

    response = client.post(
        f"{API}/auth/token",
        {"username": "newcomer", "password": "Kf-2026-strong!"},
        content_type="application/json",
    )

    assert response.status_code == 200


# Writing: not allowed


@by_spec
def test_non_writer_cannot_create(world, api_as, spec):
    before = spec.model.objects.count()

    response = api_as(getattr(world, spec.non_writer)).post(f"{API}/{spec.key}", spec.create(world))

    assert_api_error(response, 403, "permission_denied")
    assert spec.model.objects.count() == before


@by_spec
def test_non_writer_cannot_update(world, api_as, spec):
    record = spec.record(world)
    attr, value = spec.updated

    response = api_as(getattr(world, spec.non_writer)).patch(
        f"{API}/{spec.key}/{record.id}", spec.update
    )

    assert_api_error(response, 403, "permission_denied")
    record.refresh_from_db()
    assert getattr(record, attr) != value


@pytest.mark.parametrize("spec", ARCHIVABLE, ids=str)
def test_non_writer_cannot_archive(world, api_as, spec):
    record = spec.record(world)

    response = api_as(getattr(world, spec.non_writer)).post(f"{API}/{spec.key}/{record.id}/archive")

    assert_api_error(response, 403, "permission_denied")
    record.refresh_from_db()
    assert record.archived_at is None


@pytest.mark.parametrize("persona", ["specialist", "worker", "supervisor", "executive"])
def test_only_record_keepers_create_residents(world, api_as, persona):
    body = {"name": "王芳", "phone": "13700001111", "community": world.a.id}

    response = api_as(getattr(world, persona)).post(f"{API}/residents", body)

    assert_api_error(response, 403, "permission_denied")
    assert not Resident.objects.filter(name="王芳").exists()


@pytest.mark.parametrize("persona", ["manager", "executive", "specialist"])
def test_only_the_administrator_creates_communities(world, api_as, persona):
    response = api_as(getattr(world, persona)).post(
        f"{API}/communities", {"code": "C", "name": "碧水湾"}
    )

    assert_api_error(response, 403, "permission_denied")
    assert not Community.objects.filter(code="C").exists()


def test_resident_login_has_no_staff_api(world, api_as):
    response = api_as(world.resident).get(f"{API}/residents")

    assert_api_error(response, 403, "permission_denied")


# Bad input: 422 with a field and a code, nothing written


def test_bad_phone_is_a_422_on_phone_and_nothing_is_created(world, api_as):
    body = {"name": "王芳", "phone": "12345", "community": world.a.id}
    residents, entries = Resident.objects.count(), AuditEntry.objects.count()

    response = api_as(world.manager).post(f"{API}/residents", body)

    error = assert_api_error(response, 422, "invalid_phone", "phone")
    assert {"field": "phone", "code": "invalid_phone"} in [
        {"field": e["field"], "code": e["code"]} for e in error["errors"]
    ]
    assert Resident.objects.count() == residents
    assert AuditEntry.objects.count() == entries


def test_bad_id_number_is_a_422_on_id_number(world, api_as):
    body = {
        "name": "王芳",
        "phone": "13700001111",
        "id_number": "110105194912310021",
        "community": world.a.id,
    }

    response = api_as(world.manager).post(f"{API}/residents", body)

    assert_api_error(response, 422, "invalid_id_number", "id_number")


def test_every_invalid_field_is_listed(world, api_as):
    body = {"name": "王芳", "phone": "12345", "id_number": "123", "community": world.a.id}

    response = api_as(world.manager).post(f"{API}/residents", body)

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"phone", "id_number"}


def test_unknown_community_is_a_422_on_community(world, api_as):
    response = api_as(world.admin).post(f"{API}/buildings", {"community": 999999, "name": "9栋"})

    assert_api_error(response, 422, "invalid_choice", "community")
    assert not Building.objects.filter(name="9栋").exists()


def test_out_of_scope_community_is_a_422_and_no_resident_is_created(world, api_as):
    body = {"name": "王芳", "phone": "13700001111", "community": world.b.id}

    response = api_as(world.manager).post(f"{API}/residents", body)

    assert_api_error(response, 422, "invalid_choice", "community")
    assert not Resident.objects.filter(name="王芳").exists()


def test_moving_a_resident_to_an_out_of_scope_community_is_a_422(world, api_as):
    response = api_as(world.manager).patch(
        f"{API}/residents/{world.resident_a.id}", {"community": world.b.id}
    )

    assert_api_error(response, 422, "invalid_choice", "community")
    world.resident_a.refresh_from_db()
    assert world.resident_a.community == world.a


def test_out_of_scope_room_is_a_422_on_room(world, api_as):
    body = {"resident": world.resident_a.id, "room": world.rooms_b[1].id, "role": "tenant"}

    response = api_as(world.assistant).post(f"{API}/occupancies", body)

    assert_api_error(response, 422, "invalid_choice", "room")
    assert not Occupancy.objects.filter(room=world.rooms_b[1]).exists()


def test_out_of_scope_resident_is_a_422_on_resident(world, api_as):
    body = {"resident": world.resident_b.id, "room": world.rooms_a[1].id, "role": "tenant"}

    response = api_as(world.assistant).post(f"{API}/occupancies", body)

    assert_api_error(response, 422, "invalid_choice", "resident")


def test_move_out_before_move_in_is_a_422(world, api_as):
    body = {
        "resident": world.resident_a.id,
        "room": world.rooms_a[1].id,
        "role": "tenant",
        "move_in": "2024-05-01",
        "move_out": "2024-01-01",
    }

    response = api_as(world.assistant).post(f"{API}/occupancies", body)

    assert response.status_code == 422
    assert not Occupancy.objects.filter(room=world.rooms_a[1]).exists()


def test_unknown_role_is_a_422_on_role(world, api_as):
    body = {"resident": world.resident_a.id, "room": world.rooms_a[1].id, "role": "boss"}

    response = api_as(world.assistant).post(f"{API}/occupancies", body)

    assert_api_error(response, 422, "invalid_choice", "role")


def test_duplicate_community_code_is_a_422_on_code(world, api_as):
    response = api_as(world.admin).post(f"{API}/communities", {"code": "A", "name": "重复"})

    assert_api_error(response, 422, "unique", "code")
    assert Community.objects.filter(code="A").count() == 1


def test_duplicate_building_name_is_a_422(world, api_as):
    body = {"community": world.a.id, "name": _building(world).name}

    response = api_as(world.admin).post(f"{API}/buildings", body)

    assert response.status_code == 422
    assert Building.objects.filter(community=world.a).count() == 1


def test_negative_area_is_a_422_on_area(world, api_as):
    body = {"unit": _unit(world).id, "number": "1001", "area": "-5"}

    response = api_as(world.admin).post(f"{API}/rooms", body)

    assert_api_error(response, 422, "greater_than_equal", "area")
    assert not Room.objects.filter(number="1001").exists()


def test_missing_required_field_is_a_422_naming_it(world, api_as):
    response = api_as(world.manager).post(
        f"{API}/residents", {"phone": "13700001111", "community": world.a.id}
    )

    assert_api_error(response, 422, "missing", "name")


def test_wrong_type_is_a_422_naming_the_field(world, api_as):
    response = api_as(world.admin).post(
        f"{API}/buildings", {"community": "not-a-number", "name": "9栋"}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "community"


def test_id_beyond_the_database_range_is_a_422_not_a_crash(world, api_as):
    response = api_as(world.admin).post(
        f"{API}/departments", {"code": "X", "name": "X", "communities": [2**70]}
    )

    assert response.status_code == 422
    assert response.json()["field"].startswith("communities")


def test_filter_beyond_the_database_range_is_a_422_not_a_crash(world, api_as):
    response = api_as(world.admin).get(f"{API}/rooms", unit=2**70)

    assert response.status_code == 422
    assert response.json()["field"] == "unit"


def test_unknown_post_is_a_422_on_posts(world, api_as):
    spec = next(s for s in SPECS if s.key == "staff")

    response = api_as(world.admin).post(f"{API}/staff", {**spec.create(world), "posts": ["boss"]})

    assert_api_error(response, 422, "invalid_choice", "posts")
    assert not Staff.objects.filter(employee_no="T-new").exists()


def test_duplicate_username_is_a_422_on_username(world, api_as):
    spec = next(s for s in SPECS if s.key == "staff")

    response = api_as(world.admin).post(
        f"{API}/staff", {**spec.create(world), "username": "manager"}
    )

    assert_api_error(response, 422, "unique", "username")


def test_malformed_json_is_a_json_400(world, api_as, client):
    api = api_as(world.manager)

    response = client.post(
        f"{API}/residents", "{not json", content_type="application/json", headers=api.headers
    )

    assert_api_error(response, 400, "bad_request")


@pytest.mark.parametrize("path", ["/nothing", "/residents/", "/residents/1/nothing"])
def test_unknown_api_path_is_a_json_404(world, api_as, path):
    response = api_as(world.admin).get(f"{API}{path}")

    assert_api_error(response, 404, "not_found")


def test_bad_patch_changes_nothing(world, api_as):
    response = api_as(world.manager).patch(
        f"{API}/residents/{world.resident_a.id}", {"name": "改名", "phone": "12345"}
    )

    assert_api_error(response, 422, "invalid_phone", "phone")
    world.resident_a.refresh_from_db()
    assert (world.resident_a.name, world.resident_a.phone) == ("张伟", "13812345678")


@pytest.mark.parametrize(
    "key,record,parent,other",
    [
        ("buildings", _building, "community", lambda w: w.b),
        ("units", _unit, "building", lambda w: w.rooms_b[0].unit.building),
        ("rooms", lambda w: w.rooms_a[0], "unit", lambda w: w.rooms_b[0].unit),
    ],
)
def test_moving_a_record_to_another_parent_is_a_422(world, api_as, key, record, parent, other):
    # Rooms and occupancies below copy the community; a move would leave them in the old one.
    target = record(world)

    response = api_as(world.admin).patch(
        f"{API}/{key}/{target.id}", {parent: other(world).id, "name": "9号", "number": "909"}
    )

    assert_api_error(response, 422, "fixed", parent)
    target.refresh_from_db()
    assert target.community_id == world.a.id


def test_rooms_stay_with_the_staff_of_their_community_after_a_building_edit(world, api_as):
    api_as(world.admin).patch(
        f"{API}/buildings/{_building(world).id}", {"community": world.b.id, "name": "9栋"}
    )

    rooms_seen_by_b = walk(api_as(world.specialist_b), f"{API}/rooms")
    assert not set(rooms_seen_by_b) & {room.id for room in world.rooms_a}


def test_patch_naming_the_same_parent_is_fine(world, api_as):
    response = api_as(world.admin).patch(
        f"{API}/units/{_unit(world).id}", {"building": _building(world).id, "name": "甲单元"}
    )

    assert response.status_code == 200
    assert response.json()["name"] == "甲单元"


# Personal fields


def test_resident_personal_fields_are_returned_masked(world, api_as):
    response = api_as(world.specialist).get(f"{API}/residents/{world.resident_a.id}")

    body = response.json()
    assert body["phone"] == "138****5678"
    assert body["id_number"] == "110***********002X"
    assert body["address"].endswith("****")
    text = response.content.decode()
    for clear in ("13812345678", "11010519491231002X", "锦绣路"):
        assert clear not in text


def test_resident_list_masks_personal_fields(world, api_as):
    text = api_as(world.specialist).get(f"{API}/residents").content.decode()

    assert "138****5678" in text
    assert "13812345678" not in text
    assert "11010519491231002X" not in text


def test_resident_can_be_found_by_exact_phone(world, api_as):
    response = api_as(world.specialist).get(f"{API}/residents", q="13812345678")

    assert ids_of(response) == [world.resident_a.id]


def test_patch_without_personal_fields_keeps_them(world, api_as):
    response = api_as(world.manager).patch(
        f"{API}/residents/{world.resident_a.id}", {"name": "张伟强"}
    )

    assert response.status_code == 200
    world.resident_a.refresh_from_db()
    assert world.resident_a.phone == "13812345678"
    assert world.resident_a.id_number == "11010519491231002X"
    assert world.resident_a.address == "上海市浦东新区锦绣路1号"


def test_patch_with_null_personal_fields_keeps_them(world, api_as):
    response = api_as(world.manager).patch(
        f"{API}/residents/{world.resident_a.id}", {"phone": None, "id_number": None}
    )

    assert response.status_code == 200
    world.resident_a.refresh_from_db()
    assert world.resident_a.phone == "13812345678"
    assert world.resident_a.id_number == "11010519491231002X"


def test_patch_with_a_new_phone_changes_it(world, api_as):
    response = api_as(world.manager).patch(
        f"{API}/residents/{world.resident_a.id}", {"phone": "139 0000 1111"}
    )

    assert response.json()["phone"] == "139****1111"
    world.resident_a.refresh_from_db()
    assert world.resident_a.phone == "13900001111"
    assert world.resident_a.id_number == "11010519491231002X"


def test_patch_of_staff_keeps_posts_and_communities(world, api_as):
    staff = world.manager.staff

    response = api_as(world.admin).patch(f"{API}/staff/{staff.id}", {"extension": "8123"})

    assert response.status_code == 200
    assert response.json()["posts"] == ["manager"]
    assert response.json()["community_ids"] == [world.a.id]


def test_patch_of_department_keeps_its_communities(world, api_as):
    response = api_as(world.admin).patch(
        f"{API}/departments/{world.engineering.id}", {"name": "工程维修部"}
    )

    assert response.status_code == 200
    assert response.json()["community_ids"] == sorted([world.a.id, world.b.id])


# Audit of writes: personal data never in clear


def test_resident_create_is_audited_without_the_phone_in_clear(world, api_as):
    body = {
        "name": "王芳",
        "phone": "13700001111",
        "id_number": "11010519491231002X",
        "address": "上海市徐汇区漕溪北路8号",
        "community": world.a.id,
    }

    response = api_as(world.manager).post(f"{API}/residents", body)

    entries = AuditEntry.objects.filter(object_id=response.json()["id"], action="create")
    assert entries.count() == 1
    text = audit_text(entries) + entries.get().object_label
    for clear in ("13700001111", "11010519491231002X", "漕溪北路"):
        assert clear not in text
    assert entries.get().changes["phone"] == "已修改"


def test_resident_phone_change_is_audited_without_either_number(world, api_as):
    api_as(world.manager).patch(f"{API}/residents/{world.resident_a.id}", {"phone": "13900001111"})

    entries = AuditEntry.objects.filter(object_id=world.resident_a.id, action="update")
    assert entries.count() == 1
    assert entries.get().changes == {"phone": "已修改"}
    assert "13812345678" not in audit_text(entries)
    assert "13900001111" not in audit_text(entries)


def test_resident_archive_is_audited_without_the_phone(world, api_as):
    api_as(world.manager).post(f"{API}/residents/{world.resident_a.id}/archive")

    entries = AuditEntry.objects.filter(object_id=world.resident_a.id, action="archive")
    assert entries.count() == 1
    assert "13812345678" not in audit_text(entries) + entries.get().object_label


def test_staff_phone_is_audited_without_the_number(world, api_as):
    spec = next(s for s in SPECS if s.key == "staff")
    body = {**spec.create(world), "phone": "13600002222"}

    response = api_as(world.admin).post(f"{API}/staff", body)

    entries = AuditEntry.objects.filter(
        object_id=response.json()["id"], object_type="accounts.staff"
    )
    assert "13600002222" not in audit_text(entries)


def test_department_contact_phone_is_audited_without_the_number(world, api_as):
    api = api_as(world.admin)

    response = api.post(
        f"{API}/departments", {"code": "BA", "name": "保安部", "contact_phone": "13600002222"}
    )
    api.patch(f"{API}/departments/{response.json()['id']}", {"contact_phone": "13600003333"})

    entries = AuditEntry.objects.filter(object_id=response.json()["id"])
    assert entries.count() == 2
    assert "13600002222" not in audit_text(entries)
    assert "13600003333" not in audit_text(entries)


def test_update_that_changes_nothing_writes_no_audit_row(world, api_as):
    api_as(world.manager).patch(f"{API}/residents/{world.resident_a.id}", {"name": "张伟"})

    assert not AuditEntry.objects.filter(action="update").exists()


# Reveal


def reveal(api, resident, field="phone"):
    return api.post(f"{API}/residents/{resident.id}/reveal", {"field": field})


@pytest.mark.parametrize("persona", ["manager", "assistant", "specialist"])
def test_reveal_gives_the_clear_phone_to_the_default_posts(world, api_as, persona):
    response = reveal(api_as(getattr(world, persona)), world.resident_a)

    assert response.status_code == 200
    assert response.json() == {"field": "phone", "value": "13812345678"}


def test_reveal_writes_exactly_one_audit_row(world, api_as):
    reveal(api_as(world.specialist), world.resident_a)

    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert entry.actor == world.specialist
    assert entry.object_id == world.resident_a.id
    assert entry.object_type == "properties.resident"
    assert entry.community_id == world.a.id
    assert entry.changes == {"field": "phone"}


def test_each_reveal_is_audited_again(world, api_as):
    api = api_as(world.specialist)
    reveal(api, world.resident_a)
    reveal(api, world.resident_a, "id_number")

    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 2


def test_reveal_of_the_id_number(world, api_as):
    response = reveal(api_as(world.manager), world.resident_a, "id_number")

    assert response.json()["value"] == "11010519491231002X"


@pytest.mark.parametrize("persona", ["worker", "supervisor", "executive", "admin"])
def test_reveal_is_refused_to_other_posts_and_not_audited(world, api_as, persona):
    response = reveal(api_as(getattr(world, persona)), world.resident_a)

    assert_api_error(response, 403, "permission_denied")
    assert "13812345678" not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_reveal_follows_the_company_setting(world, api_as):
    Company.objects.filter(pk=1).update(reveal_posts=[Post.SUPERVISOR.value])

    assert reveal(api_as(world.supervisor), world.resident_a).status_code == 200
    assert reveal(api_as(world.specialist), world.resident_a).status_code == 403
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 1


def test_reveal_of_another_communitys_resident_is_a_404(world, api_as):
    response = reveal(api_as(world.specialist_b), world.resident_a)

    assert_api_error(response, 404, "not_found")
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


@pytest.mark.parametrize("field", ["email", "name", ""])
def test_reveal_of_a_field_that_is_not_personal_is_a_422_on_field(world, api_as, field):
    response = reveal(api_as(world.specialist), world.resident_a, field)

    assert response.status_code == 422
    assert response.json()["field"] == "field"
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


# Pagination


@by_spec
def test_keyset_pagination_walks_every_row_once(world, api_as, spec):
    spec.add_rows(world, 5)
    api = api_as(world.admin)
    everything = ids_of(api.get(f"{API}/{spec.key}", limit=200))

    paged = walk(api, f"{API}/{spec.key}", limit=2)

    assert len(paged) == len(set(paged))
    assert paged == everything


def test_pagination_over_thirty_residents_with_an_odd_page_size(world, api_as):
    _add_residents(world, 30)
    api = api_as(world.specialist)

    paged = walk(api, f"{API}/residents", limit=7)

    assert len(paged) == len(set(paged)) == 31  # 30 new and resident_a
    assert paged == sorted(paged, reverse=True)


def test_pagination_respects_filters(world, api_as):
    _add_rooms(world, 9)
    api = api_as(world.admin)

    paged = walk(api, f"{API}/rooms", limit=4, community=world.a.id)

    assert set(paged) == set(Room.objects.filter(community=world.a).values_list("id", flat=True))


def test_last_page_has_no_next_cursor(world, api_as):
    response = api_as(world.admin).get(f"{API}/communities", limit=2)

    assert response.json()["next_cursor"] is None


@pytest.mark.parametrize("limit", [0, 201, -1])
def test_limit_out_of_range_is_a_422_on_limit(world, api_as, limit):
    response = api_as(world.admin).get(f"{API}/rooms", limit=limit)

    assert response.status_code == 422
    assert response.json()["field"] == "limit"


@by_spec
def test_list_query_count_does_not_grow_with_rows(world, api_as, spec):
    api = api_as(world.admin)
    url = f"{API}/{spec.key}"
    api.get(url)  # the first request of a token also stamps its last_used_at
    spec.add_rows(world, 3)
    with CaptureQueriesContext(connection) as few:
        api.get(url, limit=200)

    spec.add_rows(world, 27)
    with CaptureQueriesContext(connection) as many:
        response = api.get(url, limit=200)

    assert len(response.json()["items"]) >= 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_api_root_names_its_documents(client, db):
    response = client.get(f"{API}/")
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].endswith("/api/v1/openapi.json")
    assert body["docs"].endswith("/api/v1/docs")
