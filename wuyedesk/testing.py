"""The test world: two communities and one person per post, built the way users build them.

Personas (STYLE.md): manager, specialist, assistant, department worker, supervisor,
executive, administrator and a resident in community A; `specialist_b` and `resident_b`
in community B are the out-of-scope people every permission test uses.
"""

import datetime as dt
from dataclasses import dataclass, field

from wuyedesk.accounts.choices import DEFAULT_REVEAL_POSTS, Post, UserKind
from wuyedesk.accounts.models import Staff, StaffPost, User
from wuyedesk.properties.choices import DepartmentKind, OccupancyRole
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

PASSWORD = "Test-pass-2026"  # noqa: S105  (test accounts only)


@dataclass
class World:
    a: Community
    b: Community
    rooms_a: list[Room]
    rooms_b: list[Room]
    resident_a: Resident
    resident_b: Resident
    engineering: Department
    partner_b: Department
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def make_community(code: str, name: str, *, buildings=1, units=1, rooms=3) -> tuple:
    community = Community.objects.create(code=code, name=name, city="上海市")
    made = []
    for b in range(1, buildings + 1):
        building = Building.objects.create(community=community, name=f"{b}栋")
        for u in range(1, units + 1):
            unit = Unit.objects.create(building=building, name=f"{u}单元")
            for r in range(1, rooms + 1):
                made.append(Room.objects.create(unit=unit, number=f"{r}01", floor=r))
    return community, made


def make_resident(room: Room, *, name: str, phone: str, role=OccupancyRole.OWNER, **extra):
    resident = Resident.objects.create(name=name, phone=phone, community=room.community, **extra)
    Occupancy.objects.create(resident=resident, room=room, role=role, move_in=dt.date(2020, 5, 1))
    return resident


def make_staff(username, posts, communities=(), department=None, name=None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, kind=UserKind.STAFF)
    staff = Staff.objects.create(
        user=user,
        name=name or username,
        employee_no=f"T-{username}",
        department=department,
        extension=str(8000 + User.objects.count()),
    )
    StaffPost.objects.bulk_create([StaffPost(staff=staff, post=p) for p in posts])
    staff.communities.set(communities)
    return user


def build_world() -> World:
    # Two-factor login off for the general suite (personas log in by force_login or the
    # password form); the tests of two-factor login turn it on (accounts/tests/test_two_factor*).
    Company.objects.update_or_create(
        pk=1,
        defaults={"name": "测试物业", "reveal_posts": DEFAULT_REVEAL_POSTS, "two_factor_posts": []},
    )
    a, rooms_a = make_community("A", "阳光花园")
    b, rooms_b = make_community("B", "翠湖苑")
    resident_a = make_resident(
        rooms_a[0],
        name="张伟",
        phone="13812345678",
        id_number="11010519491231002X",
        address="上海市浦东新区锦绣路1号",
    )
    resident_b = make_resident(rooms_b[0], name="李娜", phone="13987654321")
    engineering = Department.objects.create(code="GC", name="工程部")
    engineering.communities.set([a, b])
    partner_b = Department.objects.create(code="WB", name="电梯维保", kind=DepartmentKind.PARTNER)
    partner_b.communities.set([b])
    kf = Department.objects.create(code="KF", name="客服部")
    world = World(a, b, rooms_a, rooms_b, resident_a, resident_b, engineering, partner_b)
    world.users = {
        "manager": make_staff("manager", [Post.MANAGER], [a], kf, "王经理"),
        "specialist": make_staff("specialist", [Post.SPECIALIST], [a], kf, "刘专员"),
        "assistant": make_staff("assistant", [Post.ASSISTANT], [a], kf, "陈助理"),
        "worker": make_staff("worker", [Post.DEPARTMENT], [a], engineering, "赵师傅"),
        "supervisor": make_staff("supervisor", [Post.SUPERVISOR], [a], kf, "孙监督"),
        "executive": make_staff("executive", [Post.EXECUTIVE], [], None, "周总"),
        "admin": make_staff("admin", [Post.ADMIN], [], kf, "吴管理员"),
        "specialist_b": make_staff("specialist_b", [Post.SPECIALIST], [b], kf, "B专员"),
    }
    world.users["resident"] = User.objects.create_user(
        username="resident-a", password=PASSWORD, kind=UserKind.RESIDENT, resident=resident_a
    )
    return world


def assert_api_error(response, status: int, code: str, field: str | None = None):
    """The API's error answer: JSON {"code", "message", "field"} with this status, code and
    field (None: the error is about no one field). Returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    assert body["field"] == field, body
    return body


def policy_in_force(**values):
    """Put these settings in force the way the regulation says (issue #14): the manager
    drafts a revision of the regulation with them, submits it, an executive approves it
    effective now, and it is in force at once. Uses the world's manager and executive (or
    makes two). Returns the version."""
    from django.utils import timezone

    from wuyedesk.policies.forms import PolicySettingsForm
    from wuyedesk.policies.services import regulation, regulation_fields
    from wuyedesk.policies.services import versions as policy_versions

    def person(post, username):
        found = User.objects.filter(staff__posts__post=post, is_active=True).first()
        return found or make_staff(username, [post], name=username)

    manager = person(Post.MANAGER, "policy-manager")
    executive = person(Post.EXECUTIVE, "policy-executive")
    draft = policy_versions.draft_open(by=manager, document=regulation())
    data = {name: getattr(draft.settings, name) for name in regulation_fields()} | values
    form = PolicySettingsForm(data=data, instance=draft.settings)
    policy_versions.settings_save(by=manager, version=draft, form=form)
    if not draft.sections.exists():
        policy_versions.section_save(
            by=manager, version=draft, data={"heading": "总则", "body": "<p>测试</p>"}
        )
    policy_versions.submit(by=manager, version=draft)
    policy_versions.approve(by=executive, version=draft, effective_at=timezone.now())
    draft.refresh_from_db()
    return draft


def ticket_page(client, ticket) -> str:
    """The ticket page as its user sees it with every action panel opened: the page and the
    forms its closed panels fetch when opened (tickets.views.tickets.action_form)."""
    import re

    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    urls = re.findall(r'hx-get="(/tickets/\d+/[\w-]+/form/)"', page)
    forms = [client.get(url, headers={"HX-Request": "true"}).content.decode() for url in urls]
    return page + "".join(forms)
