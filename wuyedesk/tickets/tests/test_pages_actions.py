"""Every action of the ticket page through its own URL (issue #3): the happy path, a bad input
that keeps the form and changes nothing, the wrong post (403) and out of scope (404)."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from wuyedesk.testing import policy_in_force, ticket_page
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import Status
from wuyedesk.tickets.models import Incident, Ticket


def act(client, ticket, action, data=None):
    """POST an action form as the page would: with the version the page showed."""
    ticket.refresh_from_db()
    payload = {"version": ticket.version, **(data or {})}
    return client.post(f"/tickets/{ticket.pk}/{action}/", payload)


def snapshot(ticket):
    """Everything an action could change; equal before and after means nothing changed."""
    t = Ticket.objects.get(pk=ticket.pk)
    return (
        t.version,
        t.status,
        t.owner_id,
        t.department_id,
        t.incident_id,
        t.merged_into_id,
        t.followed_up_at,
        t.reported_at,
        t.decided_at,
        t.feedback_at,
        t.return_visit_at,
        t.manager_acknowledged_at,
        t.events.count(),
        t.dispatches.count(),
        list(t.dispatches.order_by("id").values_list("replied_at", "cancelled_at")),
        list(t.measures.order_by("id").values_list("done_at", "verified_at")),
        t.measures.count(),
        t.return_visits.count(),
        t.attachments.count(),
    )


# --- states a ticket is put in before an action ---------------------------------------------


def _inquiry(w, call, cats):
    return call()


def _transferred(w, call, cats):
    t = call()
    services.ticket_transfer(by=w.specialist, ticket=t, department=w.engineering, note="上门查看")
    return t


def _followed_up(w, call, cats):
    t = call()
    services.ticket_follow_up(by=w.specialist, ticket=t, channel="phone", text="已告知")
    return t


def _closed(w, call, cats):
    t = _followed_up(w, call, cats)
    services.ticket_close(by=w.specialist, ticket=t)
    return t


def _complaint(w, call, cats):
    return call(kind="complaint", category=cats["ATTITUDE"], description="保安态度恶劣")


def _unreported_complaint(w, call, cats):
    policy_in_force(complaint_notify_severities=["major", "emergency"])
    return _complaint(w, call, cats)


def _investigating(w, call, cats):
    t = _complaint(w, call, cats)
    services.ticket_investigate(by=w.manager, ticket=t, departments=[w.engineering], note="查")
    return t


MEASURE = {"what": "保安培训", "department": None, "owner": None, "due": dt.date(2030, 1, 1)}


def _decided(w, call, cats):
    t = _complaint(w, call, cats)
    services.ticket_decide(
        by=w.manager,
        ticket=t,
        decision="批评教育",
        measures=[{**MEASURE, "department": w.engineering, "owner": w.worker}],
    )
    return t


def _fed_back(w, call, cats):
    t = _decided(w, call, cats)
    services.ticket_feedback(by=w.specialist, ticket=t, channel="phone", text="已处理")
    return t


def _measure_done(w, call, cats):
    t = _decided(w, call, cats)
    services.measure_mark(by=w.specialist, measure=t.measures.get(), done=True)
    return t


def _emergency(w, call, cats):
    return call(kind="repair", severity="emergency", category=cats["LIFT"], description="电梯困人")


def _with_incident(w, call, cats):
    t = call()
    Incident.objects.create(community=w.a, title="3栋停水", created_by=w.manager)
    return t


@dataclass
class Case:
    action: str
    state: Any
    actor: str
    good: Any  # (world, ticket) -> data
    check: Any  # (world, ticket) -> None; asserts the change happened
    bad: Any = None  # (world, ticket) -> data that the service or form refuses
    bad_shows: tuple = ()  # text the re-rendered page must show (error and kept input)
    wrong: str = "supervisor"  # a person who sees the ticket but may not do this
    extra: dict = field(default_factory=dict)


def _dispatch(t):
    return t.dispatches.filter(replied_at__isnull=True, cancelled_at__isnull=True).get().pk


def _measure(t):
    return t.measures.get().pk


CASES = [
    Case(
        "transfer",
        _inquiry,
        "specialist",
        lambda w, t: {"department": w.engineering.pk, "note": "需要上门查看"},
        lambda w, t: t.status == Status.TRANSFERRED and t.department == w.engineering,
        bad=lambda w, t: {"department": w.engineering.pk, "note": "  "},
        bad_shows=("请说明转办原因", 'value="{}" selected'),
    ),
    Case(
        "reply",
        _transferred,
        "worker",
        lambda w, t: {"dispatch": _dispatch(t), "text": "已更换水管接头"},
        lambda w, t: t.dispatches.get().reply == "已更换水管接头",
        bad=lambda w, t: {"dispatch": _dispatch(t), "text": ""},
        bad_shows=("请填写回复内容",),
    ),
    Case(
        "findings",
        _investigating,
        "worker",
        lambda w, t: {"dispatch": _dispatch(t), "text": "监控显示确有争执"},
        lambda w, t: t.dispatches.get().reply == "监控显示确有争执",
        bad=lambda w, t: {"dispatch": _dispatch(t), "text": " "},
        bad_shows=("请填写回复内容",),
    ),
    Case(
        "follow_up",
        _inquiry,
        "specialist",
        lambda w, t: {"channel": "phone", "text": "已告知维修安排"},
        lambda w, t: t.followed_up_at is not None,
        bad=lambda w, t: {"channel": "email", "text": ""},
        bad_shows=("请记录与客户沟通的内容", 'value="email" selected'),
    ),
    Case(
        "escalate",
        _unreported_complaint,
        "specialist",
        lambda w, t: {"reason": "客户情绪激动"},
        lambda w, t: t.reported_at is not None and t.investigation_due is not None,
        bad=lambda w, t: {"reason": "再报一次"},  # already reported now: refused
        bad_shows=("已上报经理", "再报一次"),
    ),
    Case(
        "investigate",
        _complaint,
        "manager",
        lambda w, t: {"departments": [w.engineering.pk], "note": "调取监控"},
        lambda w, t: t.status == Status.INVESTIGATING and t.dispatches.count() == 1,
        bad=lambda w, t: {"note": "调取监控录像"},
        bad_shows=("请至少选择一个部门", "调取监控录像"),
        wrong="specialist",
    ),
    Case(
        "decide",
        _complaint,
        "manager",
        lambda w, t: {
            "decision": "批评教育",
            "m-TOTAL_FORMS": "3",
            "m-INITIAL_FORMS": "0",
            "m-0-what": "保安培训",
            "m-0-department": w.engineering.pk,
            "m-0-owner": w.worker.pk,
            "m-0-due": "2030-01-31",
        },
        lambda w, t: t.decided_at is not None and t.measures.get().what == "保安培训",
        bad=lambda w, t: {
            "decision": "批评教育并培训",
            "m-TOTAL_FORMS": "3",
            "m-INITIAL_FORMS": "0",
            "m-0-what": "全员培训",
            "m-0-due": "2030-01-31",
        },
        bad_shows=("请选择责任部门", "全员培训", "批评教育并培训"),
        wrong="specialist",
    ),
    Case(
        "feedback",
        _decided,
        "specialist",
        lambda w, t: {"channel": "phone", "text": "已对保安批评教育"},
        lambda w, t: t.status == Status.AWAITING_RETURN_VISIT,
        bad=lambda w, t: {"channel": "walk_in", "text": ""},
        bad_shows=("请填写反馈内容", 'value="walk_in" selected'),
    ),
    Case(
        "return_visit",
        _fed_back,
        "specialist",
        lambda w, t: {
            "channel": "phone",
            "reached": "1",
            "satisfaction": "satisfied",
            "words": "好",
        },
        lambda w, t: t.status == Status.RESOLVED and t.return_visits.count() == 1,
        bad=lambda w, t: {"channel": "phone", "reached": "1", "words": "客户说再看看"},
        bad_shows=("请选择客户满意度", "客户说再看看"),
    ),
    Case(
        "reopen",
        _closed,
        "specialist",
        lambda w, t: {"reason": "客户反映又漏水"},
        lambda w, t: t.status == Status.OPEN and t.follow_up_due is not None,
        bad=lambda w, t: {"reason": ""},
        bad_shows=("请说明重新打开的原因",),
    ),
    Case(
        "close",
        _followed_up,
        "specialist",
        lambda w, t: {"note": "已解决"},
        lambda w, t: t.status == Status.CLOSED,
        bad=None,  # see test_close_blocked_shows_why
    ),
    Case(
        "comment",
        _inquiry,
        "specialist",
        lambda w, t: {"text": "业主下午不在家"},
        lambda w, t: t.events.filter(kind="comment", public=False, body="业主下午不在家").exists(),
        bad=lambda w, t: {"text": "   "},
        bad_shows=("内容不能为空",),
        wrong="",  # anyone who sees the ticket may comment
    ),
    Case(
        "message",
        _inquiry,
        "specialist",
        lambda w, t: {"channel": "phone", "text": "师傅明早九点上门"},
        lambda w, t: t.events.filter(kind="message", public=True).exists(),
        bad=lambda w, t: {"channel": "email", "text": ""},
        bad_shows=("内容不能为空", 'value="email" selected'),
    ),
    Case(
        "assign",
        _inquiry,
        "specialist",
        lambda w, t: {"owner": w.assistant.pk},
        lambda w, t: t.owner == w.assistant,
        bad=lambda w, t: {"owner": w.worker.pk},  # not customer service: not offered
        bad_shows=("选择一个有效的选项",),
    ),
    Case(
        "merge",
        _inquiry,
        "specialist",
        lambda w, t: {"into": services.ticket_create(**_intake(w, t)).number},
        lambda w, t: t.status == Status.CLOSED and t.merged_into is not None,
        bad=lambda w, t: {"into": "20990101-9999"},
        bad_shows=("找不到编号为 20990101-9999 的工单", 'value="20990101-9999"'),
    ),
    Case(
        "incident",
        _with_incident,
        "specialist",
        lambda w, t: {"incident": Incident.objects.get().pk},
        lambda w, t: t.incident is not None,
        bad=lambda w, t: {"incident": 999999},
        bad_shows=("选择一个有效的选项",),
    ),
    Case(
        "acknowledge",
        _emergency,
        "manager",
        lambda w, t: {},
        lambda w, t: t.manager_acknowledged_at is not None,
        wrong="specialist",
    ),
    Case(
        "measure",
        _decided,
        "specialist",
        lambda w, t: {"measure": _measure(t), "op": "done"},
        lambda w, t: t.measures.get().done_at is not None,
        # bad input (verify before done) and the wrong post: see test_measure_verify_*
    ),
]


def _intake(w, t):
    return {
        "by": w.specialist,
        "kind": "inquiry",
        "channel": "phone",
        "category": t.category,
        "title": "",
        "description": "同一漏水",
        "resident": w.resident_a,
        "room": w.rooms_a[0],
    }


def _client(user):
    client = Client()
    client.force_login(user, backend="wuyedesk.accounts.backends.StaffBackend")
    return client


IDS = [c.action for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_action_happy_path(world, call, categories, case):
    ticket = case.state(world, call, categories)
    page = ticket_page(_client(getattr(world, case.actor)), ticket)
    assert f'action="/tickets/{ticket.pk}/{case.action}/"' in page  # the form is offered
    response = act(
        _client(getattr(world, case.actor)), ticket, case.action, case.good(world, ticket)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(f"/tickets/{ticket.pk}/")
    ticket.refresh_from_db()
    assert case.check(world, ticket)


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.bad], ids=[c.action for c in CASES if c.bad]
)
def test_bad_input_keeps_the_form_and_changes_nothing(world, call, categories, case):
    ticket = case.state(world, call, categories)
    client = _client(getattr(world, case.actor))
    if case.action == "escalate":
        act(client, ticket, "escalate", {"reason": "第一次"})
    before = snapshot(ticket)
    data = case.bad(world, ticket)
    response = act(client, ticket, case.action, data)
    assert response.status_code == 200
    assert snapshot(ticket) == before
    page = response.content.decode()
    for text in case.bad_shows:
        expected = text.format(world.engineering.pk) if "{}" in text else text
        assert expected in page, expected
    if case.bad_shows:
        assert "未保存" in page


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.wrong], ids=[c.action for c in CASES if c.wrong]
)
def test_wrong_post_is_forbidden_and_changes_nothing(world, call, categories, case):
    ticket = case.state(world, call, categories)
    wrong = _client(getattr(world, case.wrong))
    page = wrong.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200  # they may look …
    assert f'action="/tickets/{ticket.pk}/{case.action}/"' not in page.content.decode()
    before = snapshot(ticket)
    response = act(wrong, ticket, case.action, case.good(world, ticket))
    assert response.status_code == 403  # … but not act
    assert snapshot(ticket) == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_out_of_scope_is_not_found(world, call, categories, case):
    ticket = case.state(world, call, categories)
    outsider = _client(world.specialist_b)
    assert outsider.get(f"/tickets/{ticket.pk}/").status_code == 404
    before = snapshot(ticket)
    response = act(outsider, ticket, case.action, case.good(world, ticket))
    assert response.status_code == 404
    assert snapshot(ticket) == before


def test_unknown_action_is_not_found(world, call):
    ticket = call()
    assert act(_client(world.specialist), ticket, "explode").status_code == 404


def test_actions_need_post(world, call):
    ticket = call()
    assert _client(world.specialist).get(f"/tickets/{ticket.pk}/follow_up/").status_code == 405


def test_close_blocked_shows_why_and_changes_nothing(world, call):
    ticket = call()
    client = _client(world.specialist)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "暂不能关闭" in page and "尚未记录跟进客户" in page
    before = snapshot(ticket)
    response = act(client, ticket, "close", {"note": "想关掉"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "尚未记录跟进客户" in body and "想关掉" in body
    assert snapshot(ticket) == before


def test_complaint_cannot_close_before_feedback_and_return_visit(world, call, categories):
    ticket = _decided(world, call, categories)
    response = act(_client(world.specialist), ticket, "close", {})
    body = response.content.decode()
    assert "尚未向客户反馈处理结果" in body and "尚未记录回访" in body
    assert Ticket.objects.get(pk=ticket.pk).status != Status.CLOSED


def test_measure_verify_by_customer_service_after_done(world, call, categories):
    """The department marks its measure done; customer service verifies it (CMP-3, #14)."""
    ticket = _measure_done(world, call, categories)
    assert (
        act(
            _client(world.worker),
            ticket,
            "measure",
            {"measure": _measure(ticket), "op": "verify"},
        ).status_code
        == 403
    )
    response = act(
        _client(world.specialist), ticket, "measure", {"measure": _measure(ticket), "op": "verify"}
    )
    assert response.status_code == 302
    assert ticket.measures.get().verified_by == world.specialist


def test_measure_verify_before_done_is_refused_with_a_message(world, call, categories):
    ticket = _decided(world, call, categories)
    before = snapshot(ticket)
    response = act(
        _client(world.manager), ticket, "measure", {"measure": _measure(ticket), "op": "verify"}
    )
    assert response.status_code == 200
    assert "整改完成后才能验证" in response.content.decode()
    assert snapshot(ticket) == before


def test_not_satisfied_return_visit_reopens_to_the_manager(world, call, categories):
    ticket = _fed_back(world, call, categories)
    response = act(
        _client(world.specialist),
        ticket,
        "return_visit",
        {"channel": "phone", "reached": "1", "satisfaction": "not_satisfied", "words": "不满意"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.INVESTIGATING and ticket.decided_at is None
    page = ticket_page(_client(world.manager), ticket)
    assert f'action="/tickets/{ticket.pk}/decide/"' in page


def test_version_from_a_stale_page_is_a_conflict(world, call):
    """Two staff load the same ticket and both act: the second is told to reload."""
    ticket = call()
    first, second = _client(world.specialist), _client(world.assistant)
    pages = [c.get(f"/tickets/{ticket.pk}/").content.decode() for c in (first, second)]
    versions = [re.search(r'name="version" value="(\d+)"', p).group(1) for p in pages]
    assert versions[0] == versions[1]
    ok = first.post(
        f"/tickets/{ticket.pk}/follow_up/",
        {"version": versions[0], "channel": "phone", "text": "已联系业主"},
    )
    assert ok.status_code == 302
    before = snapshot(ticket)
    late = second.post(
        f"/tickets/{ticket.pk}/transfer/",
        {"version": versions[1], "department": world.engineering.pk, "note": "转工程部"},
    )
    assert late.status_code == 409
    body = late.content.decode()
    assert "工单已被他人修改,请刷新后重试" in body
    assert "转工程部" in body  # what they typed is still there to copy
    assert snapshot(ticket) == before
    assert not ticket.dispatches.exists()
    # Having seen the new state, sending the kept form again (now at the new version) works.
    fresh = re.search(r'id="transfer".*?name="version" value="(\d+)"', body, re.S).group(1)
    assert fresh != versions[1]
    again = second.post(
        f"/tickets/{ticket.pk}/transfer/",
        {"version": fresh, "department": world.engineering.pk, "note": "转工程部"},
    )
    assert again.status_code == 302 and ticket.dispatches.count() == 1


def test_service_level_conflict_also_reaches_the_page(world, call, monkeypatch):
    """The version can change between the page's check and the write: the service refuses."""
    ticket = call()
    client = _client(world.specialist)
    real = services.ticket_follow_up

    def racing(**kwargs):
        Ticket.objects.filter(pk=kwargs["ticket"].pk).update(version=99)  # someone else wrote
        return real(**kwargs)

    monkeypatch.setattr(services, "ticket_follow_up", racing)
    response = act(client, ticket, "follow_up", {"channel": "phone", "text": "x"})
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.followed_up_at is None and not ticket.events.filter(kind="follow_up").exists()


def test_resident_account_gets_403_everywhere(world, call):
    ticket = call()
    resident = Client()
    resident.force_login(world.resident, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")
    for url in (
        "/tickets/",
        f"/tickets/{ticket.pk}/",
        "/tickets/incidents/",
        "/tickets/tasks/",
        "/notifications/",
        "/settings/policy/",
    ):
        assert resident.get(url).status_code == 403, url
    for action in ("follow_up", "comment", "attach", "acknowledge"):
        assert act(resident, ticket, action, {"text": "x"}).status_code == 403


def test_anonymous_goes_to_login(world, call):
    ticket = call()
    response = Client().get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_reply_to_a_dispatch_answered_meanwhile_says_so(world, call, categories):
    ticket = _transferred(world, call, categories)
    dispatch = _dispatch(ticket)
    worker = _client(world.worker)
    worker.get(f"/tickets/{ticket.pk}/")  # the page is open with the reply form …
    services.dispatch_reply(by=world.specialist, dispatch=ticket.dispatches.get(), text="电话答复")
    before = snapshot(ticket)
    response = act(worker, ticket, "reply", {"dispatch": dispatch, "text": "已修好"})  # … sent late
    assert response.status_code == 200
    assert "该任务已答复或已取消" in response.content.decode()
    assert snapshot(ticket) == before


def test_department_of_another_dispatch_may_not_reply(world, call, categories):
    from wuyedesk.properties.models import Department
    from wuyedesk.testing import make_staff

    ticket = _transferred(world, call, categories)
    cleaning = Department.objects.create(code="HJ", name="环境部")
    cleaning.communities.set([world.a])
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=cleaning, note="转环境部"
    )
    other = make_staff("cleaner", ["department"], [world.a], world.engineering, "钱师傅")
    # An engineering worker still sees the ticket (it was sent there once) but the open
    # dispatch belongs to 环境部: nothing to answer, and no form is offered.
    page = _client(other).get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'action="/tickets/{ticket.pk}/reply/"' not in page
    before = snapshot(ticket)
    response = act(_client(other), ticket, "reply", {"dispatch": _dispatch(ticket), "text": "x"})
    assert response.status_code == 200 and snapshot(ticket) == before


def test_measure_marked_done_twice_says_so(world, call, categories):
    ticket = _measure_done(world, call, categories)
    before = snapshot(ticket)
    response = act(
        _client(world.assistant), ticket, "measure", {"measure": _measure(ticket), "op": "done"}
    )
    assert response.status_code == 200 and "该措施已标记完成" in response.content.decode()
    assert snapshot(ticket) == before
