"""A name search reads the name grams the database keeps (ResidentNameGram, migration 0004)
and finds exactly what comparing every name finds, however the residents were written
(issue #12, speed of the global search and of intake's lookup)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.properties.models import Resident, ResidentNameGram
from wuyedesk.properties.selectors import active_residents, name_search
from wuyedesk.testing import make_resident

TYPED = [
    "张伟",
    "伟",
    "张",
    "王小",
    "小明明",
    "明明",
    "哈哈",
    "li",
    "LEI",
    "li lei",
    "i l",
    "无此人",
    "张伟x",
]


def grams_of(resident) -> set:
    return set(ResidentNameGram.objects.filter(resident=resident).values_list("gram", flat=True))


def found(user, text) -> list:
    return sorted(r.name for r in name_search(active_residents(user), text))


def compared(user, text) -> list:
    return sorted(r.name for r in active_residents(user).filter(name__icontains=text))


@pytest.fixture
def named(world):
    room = world.rooms_a[1]
    for n, name in enumerate(["王小明明", "哈哈哈", "Li Lei", "张伟伟", "小明"]):
        make_resident(room, name=name, phone=f"1390000{n:04d}")
    return world


def test_the_search_finds_what_comparing_every_name_finds(named):
    user = named.users["specialist"]
    for text in TYPED:
        assert found(user, text) == compared(user, text), text
    assert found(user, "张伟") == ["张伟", "张伟伟"]
    assert found(user, "li") == ["Li Lei"]  # case does not matter, as with icontains
    assert found(user, "哈哈") == ["哈哈哈"]  # a pair twice in one name is kept once
    assert sorted(grams_of(Resident.objects.get(name="Li Lei"))) == sorted(
        ["li", "i ", " l", "le", "ei"]
    )


def test_the_grams_follow_every_way_a_name_is_written(named):
    user = named.users["specialist"]
    resident = named.resident_a  # 张伟
    resident.name = "赵敏"
    resident.save()  # the ORM
    assert found(user, "张伟") == ["张伟伟"] and found(user, "赵敏") == ["赵敏"]
    assert grams_of(resident) == {"赵敏"}
    Resident.objects.filter(pk=resident.pk).update(name="周芷若")  # no signal sent
    assert found(user, "赵敏") == [] and found(user, "芷若") == ["周芷若"]
    with connection.cursor() as cursor:  # SQL by hand, as an import or a repair might
        cursor.execute(
            "UPDATE properties_resident SET name = %s WHERE id = %s", ["宋青书", resident.pk]
        )
    assert found(user, "芷若") == [] and found(user, "青书") == ["宋青书"]
    room = named.rooms_a[2]
    Resident.objects.bulk_create(
        [Resident(name="殷离", phone="13900009999", community=room.unit.building.community)]
    )
    assert found(user, "殷离") == ["殷离"]
    added = Resident.objects.get(name="殷离")
    added.delete()
    assert not ResidentNameGram.objects.filter(resident_id=added.pk).exists()
    assert found(user, "殷离") == []


def test_the_search_stays_in_scope_and_reads_a_constant_number_of_queries(named):
    outsider = named.users["specialist_b"]
    assert found(outsider, "张伟") == [] and found(outsider, "李娜") == ["李娜"]
    user = named.users["specialist"]
    found(user, "张伟")  # the user's communities are read once
    with CaptureQueriesContext(connection) as queries:
        found(user, "王小明明")  # three pairs read, one query
    assert len(queries) == 1


def test_the_resident_list_and_api_search_names_through_the_grams(named, client_as, api_as):
    """The records list's and the API's search box (properties/resources.py) find by name
    what comparing every name finds, and by phone exactly, in scope."""
    manager = named.users["manager"]
    for text in ["伟", "张伟", "LI", "王小", "无此人"]:
        page = client_as(manager).get("/residents/", {"q": text}).content.decode()
        api = api_as(manager).get("/api/v1/residents", q=text, limit=50).json()
        expected = compared(manager, text)
        assert sorted(row["name"] for row in api["items"]) == expected, text
        for name in ["王小明明", "哈哈哈", "Li Lei", "张伟伟", "小明"]:
            if not any(name in other for other in expected):  # 小明 is in 王小明明
                assert name not in page, (text, name)
        assert all(name in page for name in expected), text
    api = api_as(manager)
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/residents", q="王小")
    assert any(ResidentNameGram._meta.db_table in q["sql"] for q in queries.captured_queries)
    by_phone = api_as(manager).get("/api/v1/residents", q="+86 139 0000 0003").json()
    assert [row["name"] for row in by_phone["items"]] == ["张伟伟"]
    assert api_as(manager).get("/api/v1/residents", q="1390000").json()["items"] == []
    outsider = named.users["specialist_b"]
    assert api_as(outsider).get("/api/v1/residents", q="张伟").json()["items"] == []
