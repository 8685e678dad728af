"""Deterministic, realistic demo data, written with bulk inserts (`wuyedesk seed`).

The same --seed gives the same company: generation draws from one random.Random in a
fixed order, and database ids play no part in it.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import DEFAULT_REVEAL_POSTS, Post, UserKind
from wuyedesk.accounts.models import Staff, StaffPost, User
from wuyedesk.core import reference, versions
from wuyedesk.lib.bulk import insert_rows, next_ids, reset_sequences
from wuyedesk.properties.choices import DepartmentKind, Gender, OccupancyRole
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
from wuyedesk.properties.selectors import RECORDS_VERSION

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰海燕子涵浩"
    "然梓萱宇轩欣怡思远雨桐俊杰晓东文博佳怡一鸣丹丹亮亮嘉怡红梅德华国庆春梅晨阳"
)
ESTATES = [
    "阳光花园",
    "翠湖苑",
    "金桂园",
    "锦绣华庭",
    "碧水湾",
    "紫荆苑",
    "御景台",
    "星河湾",
    "枫林雅居",
    "滨江名苑",
    "和谐家园",
    "世纪新城",
    "海棠苑",
    "银杏里",
    "春晓苑",
    "书香门第",
    "东方明珠苑",
    "龙湖郦城",
    "绿地香树",
    "保利花园",
]
CITIES = [
    ("上海市", ["浦东新区", "闵行区", "徐汇区"]),
    ("杭州市", ["西湖区", "滨江区"]),
    ("南京市", ["鼓楼区", "建邺区"]),
    ("苏州市", ["工业园区", "姑苏区"]),
]
ROADS = ["锦绣路", "张杨路", "莲花路", "文三路", "江东中路", "星湖街", "人民路", "中山北路"]
REGIONS = ["310115", "310112", "330106", "320106", "320508", "110105", "440305"]
MOBILE_PREFIXES = [
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "158",
    "159",
    "176",
    "177",
    "180",
    "181",
    "186",
    "187",
    "188",
    "189",
    "199",
]

DEPARTMENTS = [
    ("KF", "客服部", DepartmentKind.INTERNAL),
    ("GC", "工程部", DepartmentKind.INTERNAL),
    ("ZX", "秩序维护部", DepartmentKind.INTERNAL),
    ("HJ", "环境部", DepartmentKind.INTERNAL),
    ("LH", "绿化部", DepartmentKind.INTERNAL),
    ("CW", "财务部", DepartmentKind.INTERNAL),
    ("WB", "迅达电梯维保有限公司", DepartmentKind.PARTNER),
]

# The demo system administrator: the author of the demo knowledge base (tickets' seeding).
DEMO_ADMIN = "admin"
# The demo logins printed by `wuyedesk demo`: username, post, department code, communities
# ("all", "first", "second").
DEMO_STAFF = [
    ("admin", Post.ADMIN, "KF", "all", "系统管理员"),
    ("manager", Post.MANAGER, "KF", "all", "客服部经理"),
    ("specialist", Post.SPECIALIST, "KF", "first", "客服专员"),
    ("specialist2", Post.SPECIALIST, "KF", "second", "客服专员(另一小区)"),
    ("assistant", Post.ASSISTANT, "KF", "all", "客服助理"),
    ("engineer", Post.DEPARTMENT, "GC", "all", "工程部人员"),
    ("supervisor", Post.SUPERVISOR, "KF", "all", "监督小组成员"),
    ("executive", Post.EXECUTIVE, None, "all", "公司管理层"),
]
DEMO_PASSWORD = "Demo-2026"  # noqa: S105  (demo data only)


def demo_logins():
    logins = [(u, label) for u, _p, _d, _c, label in DEMO_STAFF]
    resident = User.objects.filter(kind=UserKind.RESIDENT).select_related("resident").first()
    if resident is not None:
        logins.append((resident.resident.phone, "业主(门户,用手机号登录)"))
    return logins


def _id_number(rng: random.Random, birth: dt.date) -> str:
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


@dataclass
class Person:
    name: str
    gender: str
    phone: str
    id_number: str
    email: str


@dataclass
class Generator:
    seed: int
    rng: random.Random = field(init=False)
    phones: set = field(default_factory=set)

    def __post_init__(self):
        self.rng = random.Random(self.seed)  # noqa: S311  (demo data, not secrets)

    def person(self) -> Person:
        rng = self.rng
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        while True:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if phone not in self.phones:
                self.phones.add(phone)
                break
        id_number = ""
        if rng.random() < 0.6:
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
            id_number = _id_number(rng, birth)
        email = f"u{phone[-8:]}@example.cn" if rng.random() < 0.3 else ""
        return Person(name, gender, phone, id_number, email)


def plan_layout(households: int, communities: int):
    """How many buildings, units and floors each community gets for the wanted households."""
    per_community = math.ceil(households / communities)
    units_per_building, rooms_per_floor = 2, 2
    floors = 18 if per_community > 400 else 6
    per_building = units_per_building * floors * rooms_per_floor
    buildings = max(1, math.ceil(per_community / per_building))
    return per_community, buildings, units_per_building, floors, rooms_per_floor


@transaction.atomic
def seed(*, communities: int, households: int, seed: int = 1, stdout=None) -> dict:
    if Community.objects.exists():
        raise RuntimeError("the database already holds communities; seed an empty database")
    gen = Generator(seed)
    rng = gen.rng
    Company.objects.update_or_create(
        pk=1,
        defaults={
            "name": "示例物业服务有限公司",
            "short_name": "示例物业",
            "phone": "400-820-0000",
            "email": "kefu@example.cn",
            "address": "上海市浦东新区锦绣路100号",
            "reveal_posts": DEFAULT_REVEAL_POSTS,
            # Demo logins work with the password alone; README says how to turn it on.
            "two_factor_posts": [],
        },
    )
    comms = []
    for i in range(communities):
        city, districts = CITIES[i % len(CITIES)]
        base = ESTATES[i % len(ESTATES)]
        name = base if i < len(ESTATES) else f"{base}{i // len(ESTATES) + 1}期"
        comms.append(
            Community(
                code=f"C{i + 1:04d}",
                name=name,
                city=city,
                district=rng.choice(districts),
                address=f"{city}{rng.choice(districts)}{rng.choice(ROADS)}{rng.randrange(999)}号",
            )
        )
    Community.objects.bulk_create(comms, batch_size=2000)

    per_community, n_buildings, n_units, floors, per_floor = plan_layout(households, communities)
    remaining = households
    buildings, units, rooms = [], [], []
    for community in comms:
        take = min(per_community, remaining)
        remaining -= take
        made = 0
        for b in range(n_buildings):
            if made >= take:
                break
            building = Building(community=community, name=f"{b + 1}栋")
            buildings.append(building)
            for u in range(n_units):
                if made >= take:
                    break
                unit = Unit(building=building, community=community, name=f"{u + 1}单元")
                units.append(unit)
                for floor in range(1, floors + 1):
                    for k in range(1, per_floor + 1):
                        if made >= take:
                            break
                        rooms.append(
                            (
                                unit,
                                building,
                                community,
                                f"{floor}{k:02d}",
                                floor,
                                rng.choice([68, 75, 89, 96, 108, 120, 135, 143]),
                            )
                        )
                        made += 1
    Building.objects.bulk_create(buildings, batch_size=5000)
    for unit in units:
        unit.building_id = unit.building.id
    Unit.objects.bulk_create(units, batch_size=5000)
    now = timezone.now()
    room_ids = next_ids(Room, len(rooms))
    insert_rows(
        Room,
        [
            "id",
            "unit",
            "building",
            "community",
            "number",
            "floor",
            "area",
            "created_at",
            "updated_at",
        ],
        [
            (rid, unit.id, building.id, community.id, number, floor, area, now, now)
            for rid, (unit, building, community, number, floor, area) in zip(
                room_ids, rooms, strict=True
            )
        ],
    )

    residents, occupancies = [], []
    today = dt.date(2026, 1, 1)
    for room_id, (_unit, _building, community, *_rest) in zip(room_ids, rooms, strict=True):
        move_in = today - dt.timedelta(days=rng.randrange(30, 365 * 12))
        members = [OccupancyRole.OWNER]
        if rng.random() < 0.5:
            members.append(OccupancyRole.FAMILY)
        if rng.random() < 0.12:
            members = [OccupancyRole.OWNER, OccupancyRole.TENANT]
        for role in members:
            p = gen.person()
            address = ""
            if role == OccupancyRole.OWNER and rng.random() >= 0.8:
                address = f"{rng.choice(CITIES)[0]}{rng.choice(ROADS)}{rng.randrange(1, 500)}号"
            residents.append(
                (p.name, p.phone, p.email, p.id_number, p.gender, address, community.id)
            )
            occupancies.append((len(residents) - 1, room_id, community.id, role, move_in, None))
        if rng.random() < 0.05:  # an earlier tenant who has moved out: occupancy history
            p = gen.person()
            residents.append((p.name, p.phone, "", "", p.gender, "", community.id))
            occupancies.append(
                (
                    len(residents) - 1,
                    room_id,
                    community.id,
                    OccupancyRole.TENANT,
                    move_in - dt.timedelta(days=800),
                    move_in - dt.timedelta(days=30),
                )
            )
    resident_ids = next_ids(Resident, len(residents))
    insert_rows(
        Resident,
        [
            "id",
            "name",
            "phone",
            "email",
            "id_number",
            "gender",
            "address",
            "community",
            "notes",
            "created_at",
            "updated_at",
        ],
        [(rid, *row, "", now, now) for rid, row in zip(resident_ids, residents, strict=True)],
    )
    insert_rows(
        Occupancy,
        [
            "id",
            "resident",
            "room",
            "community",
            "role",
            "move_in",
            "move_out",
            "created_at",
            "updated_at",
        ],
        [
            (oid, resident_ids[index], *rest, now, now)
            for oid, (index, *rest) in zip(
                next_ids(Occupancy, len(occupancies)), occupancies, strict=True
            )
        ],
    )
    reset_sequences(Room, Resident, Occupancy)

    departments = [Department(code=c, name=n, kind=k) for c, n, k in DEPARTMENTS]
    Department.objects.bulk_create(departments)
    through = Department.communities.through
    links = [
        through(department_id=d.id, community_id=c.id)
        for d in departments
        for c in (comms if d.kind == DepartmentKind.INTERNAL else comms[: max(1, len(comms) // 2)])
    ]
    through.objects.bulk_create(links, batch_size=5000)
    by_code = {d.code: d for d in departments}

    password = make_password(DEMO_PASSWORD)
    staff_rows = []
    for username, post, dept, scope, label in DEMO_STAFF:
        staff_rows.append((username, [post], dept, scope, gen.person().name, label))
    for i, community in enumerate(comms[:200]):
        staff_rows.append(
            (f"kf{i + 1:04d}", [Post.SPECIALIST], "KF", community, gen.person().name, "")
        )
    users, staff, posts = [], [], []
    for n, (username, _posts, dept, _scope, name, _label) in enumerate(staff_rows, start=1):
        users.append(User(username=username, password=password, kind=UserKind.STAFF))
        staff.append(
            Staff(
                name=name,
                employee_no=f"E{n:05d}",
                department=by_code.get(dept),
                hire_date=today - dt.timedelta(days=rng.randrange(60, 3000)),
                phone=f"021-5888{n:04d}"[:20],
                extension=f"{8000 + n}",
            )
        )
    User.objects.bulk_create(users)
    for user, member in zip(users, staff, strict=True):
        member.user = user
    Staff.objects.bulk_create(staff)
    staff_links = []
    for member, (_u, post_list, _d, scope, _n, _l) in zip(staff, staff_rows, strict=True):
        posts += [StaffPost(staff=member, post=p) for p in post_list]
        chosen = {"all": comms, "first": comms[:1], "second": comms[1:2] or comms[:1]}.get(
            scope, [scope] if isinstance(scope, Community) else []
        )
        staff_links += [
            Staff.communities.through(staff_id=member.id, community_id=c.id) for c in chosen
        ]
    StaffPost.objects.bulk_create(posts)
    Staff.communities.through.objects.bulk_create(staff_links, batch_size=5000)

    # One resident of the first community gets a portal login.
    first_owner = Resident.objects.get(pk=resident_ids[0])  # the first household's owner
    User.objects.create(
        username=f"resident-{first_owner.id}",
        password=password,
        kind=UserKind.RESIDENT,
        resident=first_owner,
    )
    reference.changed()  # the bulk inserts above sent no signals
    versions.bump(RECORDS_VERSION)
    return {
        "communities": len(comms),
        "buildings": len(buildings),
        "units": len(units),
        "rooms": len(rooms),
        "residents": len(residents),
        "occupancies": len(occupancies),
        "staff": len(staff),
    }
