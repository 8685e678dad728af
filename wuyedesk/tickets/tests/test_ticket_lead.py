"""The ticket page leads (issue #12 point 3): the next step for this state and post is the one
primary action, taken from the services' rules (services.pending_steps, the same steps that
close_blockers reads); the rest is a secondary menu; refusals link to what is missing; text
boxes say who reads them; confirmations say what will happen; the page's queries stay
constant however long the timeline."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.testing import policy_in_force, ticket_page
from wuyedesk.tickets import services
from wuyedesk.tickets.actions import lead
from wuyedesk.tickets.choices import Status
from wuyedesk.tickets.selectors import ticket_get_for_page


def _page(client_as, user, ticket) -> str:
    return ticket_page(client_as(user), ticket)


def _next_step(page: str) -> str:
    return re.search(r'<section class="mb-3" id="next-step".*?</section>', page, re.S).group(0)


def _primary(page: str) -> str:
    """The slug of the primary action on the page ('dispatch' for a row's form), or ''."""
    section = _next_step(page)
    found = re.search(r'<details class="[^"]*action-primary[^"]*" id="(\w+)" open>', section)
    if found:
        assert section.count("data-primary") == 1
        return found.group(1)
    if re.search(r'href="#dispatch-\d+" data-primary', section):
        return "dispatch"
    assert "data-primary" not in section
    return ""


def _side(page: str) -> list[str]:
    more = re.search(r'id="more-actions-h".*?</section>', page, re.S)
    return (
        re.findall(r'<details class="card mb-2 action" id="(\w+)"', more.group(0)) if more else []
    )


MEASURE = {"what": "保安培训", "due": dt.date(2030, 1, 31)}


def _complaint(w, call, cats):
    return call(kind="complaint", category=cats["ATTITUDE"], description="保安态度恶劣")


def _investigating(w, call, cats):
    t = _complaint(w, call, cats)
    services.ticket_investigate(by=w.manager, ticket=t, departments=[w.engineering], note="查")
    return t


def _found(w, call, cats):
    t = _investigating(w, call, cats)
    services.dispatch_reply(by=w.worker, dispatch=t.dispatches.get(), text="属实")
    return t


def _decided(w, call, cats):
    t = _found(w, call, cats)
    measure = {**MEASURE, "department": w.engineering, "owner": w.worker}
    services.ticket_decide(by=w.manager, ticket=t, decision="批评教育", measures=[measure])
    return t


def _fed_back(w, call, cats):
    t = _decided(w, call, cats)
    services.ticket_feedback(by=w.specialist, ticket=t, channel="phone", text="已批评教育")
    return t


def _resolved(w, call, cats):
    t = _fed_back(w, call, cats)
    services.ticket_return_visit(
        by=w.specialist, ticket=t, channel="phone", reached=True, satisfaction="satisfied"
    )
    return t


def _unreported(w, call, cats):
    policy_in_force(complaint_notify_severities=["major", "emergency"])
    return _complaint(w, call, cats)


def _inquiry(w, call, cats):
    return call()


def _transferred(w, call, cats):
    t = call()
    services.ticket_transfer(by=w.specialist, ticket=t, department=w.engineering, note="上门查看")
    return t


def _replied(w, call, cats):
    t = _transferred(w, call, cats)
    services.dispatch_reply(by=w.worker, dispatch=t.dispatches.get(), text="已修好")
    return t


def _followed_up(w, call, cats):
    t = _replied(w, call, cats)
    services.ticket_follow_up(by=w.specialist, ticket=t, channel="phone", text="已告知")
    return t


def _closed(w, call, cats):
    t = _followed_up(w, call, cats)
    services.ticket_close(by=w.specialist, ticket=t)
    return t


# (state, post, the primary action that post sees)
LEADS = [
    (_unreported, "specialist", "escalate"),
    (_unreported, "manager", "investigate"),
    (_complaint, "specialist", ""),  # reported at intake: the manager's turn
    (_complaint, "manager", "investigate"),
    (_investigating, "manager", ""),  # waiting for the department's findings
    (_investigating, "worker", "dispatch"),
    (_investigating, "specialist", ""),
    (_found, "manager", "decide"),
    (_found, "specialist", ""),
    (_decided, "specialist", "feedback"),
    (_decided, "manager", "feedback"),
    (_fed_back, "specialist", "return_visit"),
    (_resolved, "specialist", "close"),
    (_inquiry, "specialist", "follow_up"),
    (_transferred, "specialist", "follow_up"),  # beside the department's reply
    (_transferred, "worker", "dispatch"),
    (_replied, "specialist", "follow_up"),
    (_followed_up, "specialist", "close"),
    (_followed_up, "supervisor", ""),  # reads the ticket, takes no step
    (_closed, "specialist", ""),
]


@pytest.mark.parametrize(
    "state,post,expected", LEADS, ids=[f"{s.__name__}-{p}" for s, p, _e in LEADS]
)
def test_the_primary_action_is_the_next_step_of_this_post(
    world, call, categories, client_as, state, post, expected
):
    ticket = state(world, call, categories)
    user = world.users[post]
    page = _page(client_as, user, ticket)
    assert _primary(page) == expected
    assert expected not in _side(page) or expected in ("", "dispatch")
    # The page and actions.lead agree: the primary comes from the rule, not the template.
    the_lead = lead(user, ticket_get_for_page(user, ticket.pk))
    assert the_lead.primary == ("" if expected == "dispatch" else expected) or (
        expected == "dispatch" and the_lead.primary in ("reply", "findings")
    )


def test_waiting_names_whose_turn_it_is(world, call, categories, client_as):
    ticket = _investigating(world, call, categories)
    page = _page(client_as, world.specialist, ticket)
    assert 'id="next-waiting"' in page and "调查部门尚未提交调查结果" in page
    steps = re.search(r'<ol class="small mb-0 ps-3" id="pending-steps">.*?</ol>', page, re.S)
    items = re.findall(r'<li data-step="(\w+)"', steps.group(0))
    assert items == ["findings", "decide", "feedback", "return_visit"]
    assert "由其他岗位处理" in steps.group(0)  # the decision is the manager's


def test_closing_rule_is_shown_before_closing_and_links_to_the_step(world, call, client_as):
    ticket = call()
    page = _page(client_as, world.specialist, ticket)
    steps = re.search(r'id="pending-steps">.*?</ol>', page, re.S).group(0)
    assert '<a href="#follow_up" data-open-action>尚未记录跟进客户。</a>' in steps
    blockers = re.search(r'id="close-blockers">.*?</div>', page, re.S).group(0)
    assert 'href="#follow_up"' in blockers and "尚未记录跟进客户" in blockers
    # Sent anyway (a stale page): refused, nothing changes, and the reason still links.
    response = client_as(world.specialist).post(
        f"/tickets/{ticket.pk}/close/", {"version": ticket.version, "note": "想关掉"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "想关掉" in body
    assert re.search(r'id="close-blockers">.*?href="#follow_up"', body, re.S)
    ticket.refresh_from_db()
    assert ticket.status != Status.CLOSED


def test_a_blocked_close_has_no_field_to_fill_in_vain(world, call, client_as):
    """While something is missing, the close panel shows what and a disabled button, and no
    field; once nothing is, the close note is there to fill in."""
    ticket = call()
    close = re.search(
        r'action="[^"]*/close/".*?</form>', _page(client_as, world.specialist, ticket), re.S
    )
    assert 'id="close-blockers"' in close.group(0) and "disabled>" in close.group(0)
    assert 'name="note"' not in close.group(0) and 'name="version"' not in close.group(0)
    services.ticket_follow_up(by=world.specialist, ticket=ticket, channel="phone", text="已告知")
    close = re.search(
        r'action="[^"]*/close/".*?</form>', _page(client_as, world.specialist, ticket), re.S
    )
    assert 'id="close-blockers"' not in close.group(0) and "disabled>" not in close.group(0)
    assert 'name="note"' in close.group(0) and 'name="version"' in close.group(0)


def test_follow_up_message_and_feedback_say_what_each_counts_for(world, call, client_as):
    repair = call(kind="repair")
    page = _page(client_as, world.specialist, repair)
    follow_up = re.search(r'action="[^"]*/follow_up/".*?</form>', page, re.S).group(0)
    message = re.search(r'action="[^"]*/message/".*?</form>', page, re.S).group(0)
    feedback = re.search(r'action="[^"]*/feedback/".*?</form>', page, re.S).group(0)
    assert "满足跟进时限" in follow_up and "关闭前必需" in follow_up
    assert "不计为跟进" in message and 'data-audience="customer"' in message
    assert "也算作跟进" in feedback and 'data-audience="customer"' in feedback
    # The one that satisfies the close check is the one the page leads with.
    assert _primary(page) == "follow_up"


def test_confirmations_say_what_will_happen(world, call, categories, client_as):
    ticket = _followed_up(world, call, categories)
    page = _page(client_as, world.specialist, ticket)
    assert f'data-confirm="关闭工单 {ticket.number}?时限停止' in page
    assert f'data-confirm="把这条消息发给工单 {ticket.number} 的业主?"' in page
    assert f'data-confirm="把工单 {ticket.number} 合并到所填工单并关闭它?"' in page
    assert "确定执行此操作" not in page


def test_bad_input_on_the_primary_action_keeps_it_open_and_filled(world, call, client_as):
    ticket = call()
    response = client_as(world.specialist).post(
        f"/tickets/{ticket.pk}/follow_up/",
        {"version": ticket.version, "channel": "nonsense", "text": "打过电话"},
    )
    page = response.content.decode()
    assert _primary(page) == "follow_up"
    primary = _next_step(page)
    assert "打过电话" in primary and "is-invalid" in primary
    ticket.refresh_from_db()
    assert ticket.followed_up_at is None


def test_the_page_in_english(world, call, client_as):
    world.specialist.language = "en"
    world.specialist.save()
    page = _page(client_as, world.specialist, call())
    assert "Next step" in page and "More actions" in page
    assert "Still needed before closing" in page


def test_out_of_scope_user_sees_no_page(world, call, client_as):
    ticket = call()
    assert client_as(world.specialist_b).get(f"/tickets/{ticket.pk}/").status_code == 404


def _count(client, ticket) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/tickets/{ticket.pk}/").status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_timeline(world, call, categories, client_as):
    short, long = _decided(world, call, categories), _decided(world, call, categories)
    for n in range(25):
        services.ticket_comment(by=world.specialist, ticket=long, text=f"备注{n}")
        services.ticket_comment(by=world.specialist, ticket=long, text=f"消息{n}", public=True)
    client = client_as(world.specialist)
    # Warm the per-process caches (reference data, translations) on a third ticket, so that
    # both pages below draw their timeline (a drawn one is reused until an event is added).
    _count(client, _decided(world, call, categories))
    assert _count(client, long) == _count(client, short)


def test_the_api_says_the_same_next_step(world, call, categories, api_as):
    ticket = _decided(world, call, categories)
    body = api_as(world.specialist).get(f"/api/v1/tickets/{ticket.pk}").json()
    assert body["next"]["primary"] == "feedback"
    steps = body["next"]["steps"]
    assert [s["action"] for s in steps] == ["feedback", "return_visit"]
    assert steps[0] == {
        "action": "feedback",
        "path": "feedback",
        "missing": "尚未向客户反馈处理结果。",
        "blocks_close": True,
        "yours": True,
    }
    assert steps[1]["path"] == "return-visit" and not steps[1]["yours"]  # offered after feedback
    investigating = _investigating(world, call, categories)
    body = api_as(world.manager).get(f"/api/v1/tickets/{investigating.pk}").json()
    assert body["next"]["primary"] == ""
    assert body["next"]["steps"][0] == {
        "action": "findings",
        "path": "findings",
        "missing": "调查部门尚未提交调查结果。",
        "blocks_close": False,
        "yours": False,
    }
    worker = api_as(world.worker).get(f"/api/v1/tickets/{investigating.pk}").json()
    assert worker["next"]["primary"] == "findings"
    # After an action the answer carries the next step already.
    done = api_as(world.specialist).post(
        f"/api/v1/tickets/{ticket.pk}/feedback",
        {"channel": "phone", "text": "已处理"},
    )
    assert done.status_code == 200 and done.json()["next"]["primary"] == "return_visit"
    assert api_as(world.specialist_b).get(f"/api/v1/tickets/{ticket.pk}").status_code == 404


def test_a_later_step_of_mine_is_not_called_someone_elses(world, call, categories, client_as):
    page = _page(client_as, world.specialist, _decided(world, call, categories))
    steps = re.search(r'id="pending-steps">.*?</ol>', page, re.S).group(0)
    visit = re.search(r'<li data-step="return_visit".*?</li>', steps, re.S).group(0)
    assert "尚未记录回访" in visit and "由其他岗位处理" not in visit
