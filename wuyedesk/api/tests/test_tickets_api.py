"""/api/v1/tickets: the two acceptance paths through the API alone, scope and permissions of
every action, bad input and lost updates, the list with the queue filters."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.notifications.models import Notification
from wuyedesk.properties.models import Department
from wuyedesk.testing import assert_api_error, make_staff
from wuyedesk.tickets.models import Ticket, TicketEvent

TICKETS = "/api/v1/tickets"


def kinds(body) -> list[str]:
    return [event["kind"] for event in body["timeline"]]


@pytest.fixture
def security(world):
    """A second department serving community A (partner_b serves only B), with its worker."""
    department = Department.objects.create(code="ZX", name="秩序维护部")
    department.communities.set([world.a])
    guard = make_staff("guard", [Post.DEPARTMENT], [world.a], department, "钱队长")
    return department, guard


@pytest.fixture
def create(world, api_as, categories, django_capture_on_commit_callbacks):
    """create(api=None, **fields) -> the response of POST /tickets (the specialist by default)."""

    def post(api=None, **fields):
        body = {
            "kind": "inquiry",
            "channel": "phone",
            "category": categories["UTILITY"].id,
            "resident": world.resident_a.id,
            "room": world.rooms_a[0].id,
            "description": "卫生间漏水,楼下天花板在滴水",
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return (api or api_as(world.specialist)).post(TICKETS, body)

    return post


@pytest.fixture
def inquiry(create):
    return create().json()


@pytest.fixture
def complaint(create, categories):
    return create(
        kind="complaint", category=categories["ATTITUDE"].id, description="保安态度恶劣"
    ).json()


@pytest.fixture
def transferred(world, api_as, inquiry):
    """An inquiry transferred to 工程部: world.worker sees it."""
    response = api_as(world.specialist).post(
        f"{TICKETS}/{inquiry['id']}/transfer",
        {"department": world.engineering.id, "note": "请上门"},
    )
    assert response.status_code == 200, response.content
    return response.json()


# ---------------------------------------------------------------- the acceptance paths


def test_inquiry_path_through_the_api_alone(world, api_as, create, categories):
    specialist, worker = api_as(world.specialist), api_as(world.worker)
    # The phone rings: the caller is found by their number, as on the intake page.
    callers = specialist.get("/api/v1/residents", q="138 1234 5678").json()["items"]
    assert [c["id"] for c in callers] == [world.resident_a.id]
    contact_at = (timezone.now() - dt.timedelta(minutes=10)).replace(microsecond=0)

    created = create(
        api=specialist,
        channel="phone",
        resident=callers[0]["id"],
        contact_at=contact_at.isoformat(),
    )

    assert created.status_code == 201, created.content
    ticket = created.json()
    pk = ticket["id"]
    assert ticket["status"] == "open" and ticket["channel"] == "phone"
    assert ticket["owner"] == {"staff_id": world.specialist.staff.id, "name": "刘专员"}
    due = dt.datetime.fromisoformat(ticket["follow_up_due"])
    assert due == contact_at + dt.timedelta(hours=24)

    moved = specialist.post(
        f"{TICKETS}/{pk}/transfer",
        {
            "department": world.engineering.id,
            "note": "请工程部上门查看",
            "version": ticket["version"],
        },
    ).json()
    assert moved["status"] == "transferred"
    assert moved["department"] == {"id": world.engineering.id, "name": "工程部"}
    [dispatch] = moved["dispatches"]

    # The department sees the ticket in its own queue and answers.
    queue = worker.get(TICKETS, queue="department").json()["items"]
    assert [t["id"] for t in queue] == [pk]
    replied = worker.post(
        f"{TICKETS}/{pk}/reply", {"dispatch": dispatch["id"], "text": "已更换水管接头"}
    )
    assert replied.status_code == 200, replied.content
    assert replied.json()["dispatches"][0]["replied_by"]["name"] == "赵师傅"
    assert worker.get(TICKETS, queue="department").json()["items"] == []

    followed = specialist.post(
        f"{TICKETS}/{pk}/follow-up",
        {"channel": "phone", "text": "已告知业主维修完成", "version": replied.json()["version"]},
    ).json()
    assert followed["followed_up_at"] is not None

    closed = specialist.post(f"{TICKETS}/{pk}/close", {"version": followed["version"]})

    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["status"] == "closed" and body["outcome"] == "answered"
    assert kinds(body) == ["created", "acknowledged", "transfer", "reply", "follow_up", "close"]
    assert [e["actor"]["name"] for e in body["timeline"]] == [
        "刘专员",
        "刘专员",
        "刘专员",
        "赵师傅",
        "刘专员",
        "刘专员",
    ]
    follow_up = body["clocks"][0]
    assert follow_up["name"] == "follow_up" and not follow_up["running"]
    assert not follow_up["overdue"]


def test_complaint_path_through_the_api_alone(
    world, api_as, create, categories, security, django_capture_on_commit_callbacks
):
    department, guard = security
    specialist, manager = api_as(world.specialist), api_as(world.manager)

    created = create(
        api=specialist,
        kind="complaint",
        category=categories["ATTITUDE"].id,
        description="保安态度恶劣",
    )

    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["reported_at"] is not None
    assert Notification.objects.filter(user=world.manager, kind="reported").count() == 1

    def act(api, action, **body):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(f"{TICKETS}/{pk}/{action}", body)
        assert response.status_code == 200, (action, response.content)
        return response.json()

    ticket = act(
        manager,
        "investigation",
        departments=[world.engineering.id, department.id],
        note="调取监控,询问当班保安",
    )
    assert ticket["status"] == "investigating"
    tasks = {d["department"]["id"]: d["id"] for d in ticket["dispatches"]}
    assert set(tasks) == {world.engineering.id, department.id}
    assert Notification.objects.filter(user=guard, kind="dispatch").count() == 1

    act(api_as(world.worker), "findings", dispatch=tasks[world.engineering.id], text="监控已调取")
    ticket = act(api_as(guard), "findings", dispatch=tasks[department.id], text="保安承认态度不好")
    assert [d["reply"] for d in ticket["dispatches"]] == ["监控已调取", "保安承认态度不好"]

    measure = {
        "what": "对当班保安进行服务礼仪培训",
        "department": department.id,
        "owner": guard.staff.id,
        "due": "2026-12-31",
    }
    ticket = act(manager, "decision", decision="批评教育并培训", measures=[measure])
    assert ticket["status"] == "awaiting_feedback"
    [made] = ticket["measures"]
    assert made["owner"] == {"staff_id": guard.staff.id, "name": "钱队长"}
    act(specialist, f"measures/{made['id']}", done=True)
    ticket = act(manager, f"measures/{made['id']}", verified=True)
    assert ticket["measures"][0]["verified_by"]["name"] == "王经理"

    act(specialist, "feedback", channel="phone", text="已对保安批评教育并培训")
    ticket = act(
        specialist,
        "return-visit",
        channel="phone",
        reached=True,
        satisfaction="not_satisfied",
        words="还是不满意",
    )
    assert ticket["status"] == "investigating"  # reopened to the manager
    assert ticket["decided_at"] is None and ticket["feedback_at"] is None
    assert "reopen" in kinds(ticket)

    act(manager, "decision", decision="调离岗位", measures=[{**measure, "what": "保安调岗"}])
    act(specialist, "feedback", channel="phone", text="已将该保安调离")
    ticket = act(
        specialist, "return-visit", channel="phone", reached=True, satisfaction="satisfied"
    )
    assert ticket["status"] == "resolved" and ticket["satisfaction"] == "satisfied"
    ticket = act(specialist, "close", note="客户满意")

    assert ticket["status"] == "closed" and ticket["outcome"] == "resolved"
    assert len(ticket["measures"]) == 2
    assert [v["satisfaction"] for v in ticket["return_visits"]] == ["not_satisfied", "satisfied"]
    assert kinds(ticket).count("decision") == 2
    assert kinds(ticket)[-1] == "close"


# ---------------------------------------------------------------- scope and permissions

# A body each action accepts, so that what answers is the permission check, not validation.
ACTION_BODIES = {
    "transfer": lambda w, t: {"department": w.engineering.id, "note": "转"},
    "reply": lambda w, t: {"dispatch": t["dispatches"][0]["id"], "text": "好"},
    "findings": lambda w, t: {"dispatch": t["dispatches"][0]["id"], "text": "好"},
    "follow-up": lambda w, t: {"channel": "phone", "text": "已联系"},
    "escalate": lambda w, t: {"reason": "客户要求"},
    "investigation": lambda w, t: {"departments": [w.engineering.id], "note": "查"},
    "decision": lambda w, t: {"decision": "处理", "measures": []},
    "measures/1": lambda w, t: {"done": True},
    "feedback": lambda w, t: {"channel": "phone", "text": "结果"},
    "return-visit": lambda w, t: {"channel": "phone", "reached": True, "satisfaction": "satisfied"},
    "reopen": lambda w, t: {"reason": "客户又来电"},
    "close": lambda w, t: {"note": "关"},
    "merge": lambda w, t: {"into": t["id"]},
    "comment": lambda w, t: {"text": "备注"},
    "assign": lambda w, t: {"owner": w.specialist.staff.id},
    "acknowledge": lambda w, t: {},
}
MANAGER_ACTIONS = ["investigation", "decision", "acknowledge"]
DESK_ACTIONS = [
    "transfer",
    "follow-up",
    "escalate",
    "feedback",
    "return-visit",
    "reopen",
    "close",
    "merge",
    "assign",
    "measures/1",
]


@pytest.mark.parametrize("action", ["", *ACTION_BODIES])
def test_another_communitys_specialist_gets_404_everywhere(world, api_as, transferred, action):
    api = api_as(world.specialist_b)
    url = f"{TICKETS}/{transferred['id']}" + (f"/{action}" if action else "")

    body = ACTION_BODIES[action](world, transferred) if action else None
    response = api.post(url, body) if action else api.get(url)

    assert_api_error(response, 404, "not_found")
    assert Ticket.objects.get(pk=transferred["id"]).version == transferred["version"]


def test_another_communitys_specialist_does_not_list_it(world, api_as, transferred):
    response = api_as(world.specialist_b).get(TICKETS)

    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("action", MANAGER_ACTIONS + DESK_ACTIONS)
def test_department_worker_gets_403_on_customer_service_actions(world, api_as, transferred, action):
    api = api_as(world.worker)
    assert api.get(f"{TICKETS}/{transferred['id']}").status_code == 200  # sees it
    events = TicketEvent.objects.count()

    response = api.post(
        f"{TICKETS}/{transferred['id']}/{action}", ACTION_BODIES[action](world, transferred)
    )

    assert_api_error(response, 403, "permission_denied")
    assert Ticket.objects.get(pk=transferred["id"]).version == transferred["version"]
    assert TicketEvent.objects.count() == events


@pytest.mark.parametrize("action", MANAGER_ACTIONS)
def test_specialist_gets_403_on_manager_actions(world, api_as, complaint, action):
    response = api_as(world.specialist).post(
        f"{TICKETS}/{complaint['id']}/{action}", ACTION_BODIES[action](world, complaint)
    )

    assert_api_error(response, 403, "permission_denied")


def test_department_worker_does_not_see_tickets_not_sent_to_it(world, api_as, inquiry):
    api = api_as(world.worker)

    assert_api_error(api.get(f"{TICKETS}/{inquiry['id']}"), 404, "not_found")
    assert api.get(TICKETS).json()["items"] == []


def test_department_worker_may_note_but_not_message_the_customer(world, api_as, transferred):
    api = api_as(world.worker)
    url = f"{TICKETS}/{transferred['id']}/comment"

    noted = api.post(url, {"text": "需要配件,明天再来"})
    refused = api.post(url, {"text": "您好", "public": True, "channel": "phone"})

    assert noted.status_code == 200
    assert noted.json()["timeline"][-1]["kind"] == "comment"
    assert noted.json()["timeline"][-1]["public"] is False
    assert_api_error(refused, 403, "permission_denied")


def test_department_worker_cannot_answer_another_departments_dispatch(
    world, api_as, transferred, security
):
    _department, guard = security

    response = api_as(guard).post(
        f"{TICKETS}/{transferred['id']}/reply",
        {"dispatch": transferred["dispatches"][0]["id"], "text": "x"},
    )

    assert response.status_code == 404  # not sent to the guard's department: not seen at all


def test_resident_token_is_refused(world, api_as, inquiry):
    assert_api_error(api_as(world.resident).get(TICKETS), 403, "permission_denied")
    assert_api_error(
        api_as(world.resident).get(f"{TICKETS}/{inquiry['id']}"), 403, "permission_denied"
    )


def test_outsider_creating_in_a_foreign_room_gets_422_on_room(world, api_as, create):
    response = create(api=api_as(world.specialist_b))

    assert_api_error(response, 422, "invalid_choice", "room")
    assert not Ticket.objects.exists()


def test_supervisor_may_not_record_tickets(world, api_as, create):
    assert_api_error(create(api=api_as(world.supervisor)), 403, "permission_denied")


# ---------------------------------------------------------------- bad input: nothing changes


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"category": 999999}, "invalid_choice", "category"),
        ({"category": 2**70}, "less_than_equal", "category"),  # beyond any key column
        ({"room": 2**63}, "less_than_equal", "room"),
        ({"room": None, "building": 0}, "greater_than_equal", "building"),
        ({"category": "REPAIR"}, "invalid", "category"),  # a parent with sub-categories
        ({"room": "room_b"}, "invalid_choice", "room"),
        ({"resident": "resident_b", "room": None}, "invalid_choice", "resident"),
        ({"contact_at": "future"}, "invalid", "contact_at"),
        ({"contact_at": "1900-01-01T00:00:00"}, "value_error", "contact_at"),
        ({"kind": "complaint", "answer": "已解答"}, "invalid", "answer"),
        ({"kind": "question"}, "literal_error", "kind"),
        ({"description": ""}, "string_too_short", "description"),
        ({"room": None, "resident": None}, "required", "room"),
    ],
)
def test_bad_ticket_input_is_a_422_naming_the_field(world, create, categories, fields, code, field):
    values = {
        "REPAIR": categories["REPAIR"].id,
        "room_b": world.rooms_b[0].id,
        "resident_b": world.resident_b.id,
        "future": (timezone.now() + dt.timedelta(hours=1)).isoformat(),
    }
    body = {k: values.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}

    response = create(**body)

    assert_api_error(response, 422, code, field)
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_closing_a_complaint_without_return_visit_is_a_422(world, api_as, complaint):
    response = api_as(world.specialist).post(f"{TICKETS}/{complaint['id']}/close", {})

    body = assert_api_error(response, 422, "invalid_state")
    assert "回访" in body["message"]
    ticket = Ticket.objects.get(pk=complaint["id"])
    assert ticket.status != "closed" and ticket.version == complaint["version"]


def test_transfer_to_a_department_outside_the_scope_is_a_422(world, api_as, inquiry):
    response = api_as(world.specialist).post(
        f"{TICKETS}/{inquiry['id']}/transfer", {"department": world.partner_b.id, "note": "x"}
    )

    assert_api_error(response, 422, "invalid_choice", "department")
    assert not Ticket.objects.get(pk=inquiry["id"]).dispatches.exists()


def test_transfer_without_reason_is_a_422_on_note(world, api_as, inquiry):
    response = api_as(world.specialist).post(
        f"{TICKETS}/{inquiry['id']}/transfer", {"department": world.engineering.id}
    )

    assert_api_error(response, 422, "required", "note")


def test_measure_without_department_names_its_row(world, api_as, complaint):
    response = api_as(world.manager).post(
        f"{TICKETS}/{complaint['id']}/decision",
        {
            "decision": "处理",
            "measures": [
                {"what": "培训", "department": world.engineering.id, "due": "2026-12-31"},
                {"what": "调岗", "department": world.partner_b.id, "due": "2026-12-31"},
            ],
        },
    )

    assert_api_error(response, 422, "invalid_choice", "measures.1.department")
    assert not Ticket.objects.get(pk=complaint["id"]).measures.exists()


def test_reply_to_a_dispatch_of_another_ticket_is_a_422(world, api_as, transferred, create):
    other = create().json()

    response = api_as(world.specialist).post(
        f"{TICKETS}/{other['id']}/reply",
        {"dispatch": transferred["dispatches"][0]["id"], "text": "x"},
    )

    assert_api_error(response, 422, "invalid_choice", "dispatch")


def test_return_visit_before_feedback_is_a_422(world, api_as, complaint):
    response = api_as(world.specialist).post(
        f"{TICKETS}/{complaint['id']}/return-visit", {"reached": True, "satisfaction": "satisfied"}
    )

    assert_api_error(response, 422, "invalid_state")


def test_merge_into_itself_is_a_422_on_into(world, api_as, inquiry):
    response = api_as(world.specialist).post(
        f"{TICKETS}/{inquiry['id']}/merge", {"into": inquiry["id"]}
    )

    assert_api_error(response, 422, "invalid", "into")


def test_merge_closes_the_duplicate(world, api_as, inquiry, create):
    other = create(description="楼上漏水").json()

    response = api_as(world.specialist).post(
        f"{TICKETS}/{other['id']}/merge", {"into": inquiry["id"]}
    )

    assert response.json()["status"] == "closed"
    assert response.json()["merged_into_id"] == inquiry["id"]


def test_assign_to_a_department_worker_is_a_422(world, api_as, inquiry):
    api = api_as(world.specialist)
    url = f"{TICKETS}/{inquiry['id']}/assign"

    refused = api.post(url, {"owner": world.worker.staff.id})
    assigned = api.post(url, {"owner": world.assistant.staff.id})

    assert_api_error(refused, 422, "invalid_choice", "owner")
    assert assigned.json()["owner"]["name"] == "陈助理"


def test_manager_acknowledges_an_emergency(world, api_as, create):
    emergency = create(severity="emergency").json()

    response = api_as(world.manager).post(f"{TICKETS}/{emergency['id']}/acknowledge", {})

    assert response.json()["manager_acknowledged_at"] is not None


# ---------------------------------------------------------------- lost updates


def test_stale_version_is_a_409_and_nothing_changes(world, api_as, inquiry):
    seen = inquiry["version"]
    first = api_as(world.specialist).post(
        f"{TICKETS}/{inquiry['id']}/follow-up",
        {"channel": "phone", "text": "已联系", "version": seen},
    )
    events = TicketEvent.objects.count()

    second = api_as(world.assistant).post(
        f"{TICKETS}/{inquiry['id']}/transfer",
        {"department": world.engineering.id, "note": "转工程部", "version": seen},
    )

    assert first.status_code == 200
    body = assert_api_error(second, 409, "conflict")
    assert "刷新" in body["message"]
    ticket = Ticket.objects.get(pk=inquiry["id"])
    assert ticket.version == first.json()["version"]
    assert ticket.department_id is None and not ticket.dispatches.exists()
    assert TicketEvent.objects.count() == events


def test_conflict_found_by_the_service_rolls_everything_back(world, api_as, inquiry, monkeypatch):
    """Somebody saves between our read and our write: the service's conditional update says no."""
    from wuyedesk.tickets import services

    original = services.ticket_transfer

    def meanwhile(**kwargs):
        Ticket.objects.filter(pk=inquiry["id"]).update(version=inquiry["version"] + 1)
        return original(**kwargs)

    monkeypatch.setattr(services, "ticket_transfer", meanwhile)

    response = api_as(world.specialist).post(
        f"{TICKETS}/{inquiry['id']}/transfer",
        {"department": world.engineering.id, "note": "转", "version": inquiry["version"]},
    )

    assert_api_error(response, 409, "conflict")
    assert not Ticket.objects.get(pk=inquiry["id"]).dispatches.exists()


# ---------------------------------------------------------------- reading


def test_detail_masks_the_residents_phone(world, api_as, inquiry):
    response = api_as(world.specialist).get(f"{TICKETS}/{inquiry['id']}")

    body = response.json()
    assert body["resident"] == {"id": world.resident_a.id, "name": "张伟", "phone": "138****5678"}
    assert "13812345678" not in response.content.decode()
    assert body["room"]["address"] == "阳光花园-1栋-1单元-101"
    assert body["timeline"][0]["kind"] == "created" and body["timeline"][0]["public"] is True


def test_first_contact_resolution_closes_at_once(world, api_as, create):
    response = create(answer="水电气问题请拨打24小时维修电话。")

    body = response.json()
    assert body["status"] == "closed" and body["first_contact_resolution"] is True
    detail = api_as(world.specialist).get(f"{TICKETS}/{body['id']}").json()
    assert kinds(detail) == ["created", "acknowledged", "answer", "close"]
    assert detail["version"] == body["version"]


def test_create_answers_what_a_read_answers(world, api_as, create, categories):
    """The answer of POST is built from the service's ticket: it must equal a fresh read."""
    api = api_as(world.specialist)
    made = [
        create(api=api).json(),
        create(api=api, kind="complaint", category=categories["ATTITUDE"].id).json(),
        create(api=api, room=None, building=world.rooms_a[1].unit.building.id).json(),
        create(api=api, room=None, severity="major").json(),
        create(api=api, answer="已解答").json(),
    ]

    for body in made:
        listed = next(t for t in api.get(TICKETS).json()["items"] if t["id"] == body["id"])
        assert body == listed


def test_public_area_ticket_by_building(world, create):
    building = world.rooms_a[0].unit.building

    response = create(room=None, resident=None, building=building.id, channel="api")

    assert response.status_code == 201, response.content
    assert response.json()["building"] == {"id": building.id, "name": "1栋"}
    assert response.json()["community"]["id"] == world.a.id


def test_channel_defaults_to_api(world, api_as, categories):
    response = api_as(world.specialist).post(
        TICKETS,
        {
            "kind": "suggestion",
            "category": categories["GREEN"].id,
            "community": world.a.id,
            "description": "建议多种些树",
        },
    )

    assert response.status_code == 201
    assert response.json()["channel"] == "api"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_list_filters_as_the_queue_pages_do(world, api_as, create, categories):
    leak = create().json()
    complaint = create(
        kind="complaint", category=categories["ATTITUDE"].id, description="保安态度差"
    ).json()
    api = api_as(world.manager)

    assert ids(api.get(TICKETS)) == [complaint["id"], leak["id"]]
    assert ids(api.get(TICKETS, kind="complaint")) == [complaint["id"]]
    assert ids(api.get(TICKETS, category=categories["REPAIR"].id)) == [leak["id"]]  # parent
    assert ids(api.get(TICKETS, q="漏水")) == [leak["id"]]
    assert ids(api.get(TICKETS, q="13812345678")) == [complaint["id"], leak["id"]]
    # the same in the body, so that the number stays out of URLs and logs
    found = api.post(f"{TICKETS}/search", {"q": "13812345678", "kind": "complaint"})
    assert ids(found) == [complaint["id"]]
    assert api.post(f"{TICKETS}/search", {"limit": 0}).status_code == 422
    assert ids(api.get(TICKETS, queue="mine")) == []  # the specialist owns them
    assert ids(api_as(world.specialist).get(TICKETS, queue="mine")) == [complaint["id"], leak["id"]]
    assert ids(api.get(TICKETS, status="open", severity="normal", channel="phone")) == [
        complaint["id"],
        leak["id"],
    ]
    today = timezone.localdate().isoformat()
    assert len(ids(api.get(TICKETS, date_from=today, date_to=today))) == 2
    assert ids(api.get(TICKETS, date_to="2020-01-01")) == []
    assert ids(api.get(TICKETS, community=world.b.id)) == []


@pytest.mark.parametrize(
    ("param", "value"),
    [("queue", "everything"), ("kind", "x"), ("limit", 0), ("date_from", "yesterday")],
)
def test_bad_list_filter_is_a_422_naming_it(world, api_as, param, value):
    response = api_as(world.manager).get(TICKETS, **{param: value})

    assert response.status_code == 422
    assert response.json()["field"] == param


def test_keyset_pagination_walks_every_ticket_once(world, api_as, create):
    made = [create().json()["id"] for _ in range(7)]
    api = api_as(world.manager)

    seen, cursor = [], None
    while True:
        page = api.get(TICKETS, limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == sorted(made, reverse=True)


@pytest.mark.parametrize("queue", ["all", "team", "mine", "overdue"])
def test_list_query_count_does_not_grow_with_tickets(world, api_as, create, queue):
    api = api_as(world.specialist)
    api.get(TICKETS)  # the first request of a token also stamps its last_used_at
    for _ in range(3):
        create(resident=world.resident_a.id)
    with CaptureQueriesContext(connection) as few:
        api.get(TICKETS, queue=queue, q="漏水", limit=200)

    for i in range(27):
        create(room=world.rooms_a[i % 3].id, severity="major" if i % 2 else "normal")
    with CaptureQueriesContext(connection) as many:
        response = api.get(TICKETS, queue=queue, q="漏水", limit=200)

    if queue != "overdue":
        assert len(response.json()["items"]) == 30
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
