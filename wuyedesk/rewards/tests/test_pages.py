"""Pages and API of rewards and penalties: the form keeps what was typed on bad input, the
steps from the detail page, the homes' numbers equal their lists' rows, the staff profile's
history, the work report's section, English."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from wuyedesk.rewards import services
from wuyedesk.rewards.models import Measure
from wuyedesk.testing import assert_api_error


def _client(user):
    client = Client()
    client.force_login(user, backend="wuyedesk.accounts.backends.StaffBackend")
    return client


FIGURE = r'href="([^"]+)" data-figure="{key}" data-count="(\d+)"'


def test_propose_page_keeps_the_form_on_bad_input(world, client_as):
    client = client_as(world.manager)
    page = client.get(reverse("rewards:create"))
    assert page.status_code == 200 and "刘专员" in page.content.decode()
    assert "B专员" not in page.content.decode()  # not the manager's
    data = {
        "staff": world.specialist.staff.pk,
        "kind": "bonus",
        "facts": "全年零投诉",
        "reason": "",
    }
    page = client.post(reverse("rewards:create"), data)
    html = page.content.decode()
    assert page.status_code == 422 and "全年零投诉" in html
    assert Measure.objects.count() == 0
    data |= {"reason": "服务优秀"}  # a bonus without an amount: the service's message
    page = client.post(reverse("rewards:create"), data)
    assert page.status_code == 422 and "奖金须填写金额" in page.content.decode()
    data |= {"amount": "800", "ticket": "NOPE-1"}
    page = client.post(reverse("rewards:create"), data)
    assert page.status_code == 422 and "找不到该工单" in page.content.decode()
    del data["ticket"]
    page = client.post(reverse("rewards:create"), data)
    measure = Measure.objects.get()
    assert page.status_code == 302 and page["Location"] == reverse(
        "rewards:detail", args=[measure.pk]
    )


def test_steps_from_the_detail_page(world, propose, client_as, django_capture_on_commit_callbacks):
    measure = propose("demotion")
    detail = reverse("rewards:detail", args=[measure.pk])
    manager, executive, person = (
        _client(world.manager),
        _client(world.executive),
        _client(world.specialist),
    )
    assert 'id="decision-form"' in manager.get(detail).content.decode()
    assert 'id="decision-form"' not in person.get(detail).content.decode()
    url = reverse("rewards:action", args=[measure.pk, "approve"])
    assert person.post(url, {"remarks": ""}).status_code == 403
    assert manager.post(url, {"remarks": "同意"}).status_code == 302
    refuse = reverse("rewards:action", args=[measure.pk, "reject"])
    page = executive.post(refuse, {"remarks": ""})
    assert page.status_code == 422 and "不予批准时请写明理由" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert executive.post(url, {"remarks": ""}).status_code == 302
    measure.refresh_from_db()
    assert measure.status == "approved"
    appeal = reverse("rewards:action", args=[measure.pk, "appeal"])
    assert 'id="appeal-form"' in person.get(detail).content.decode()
    assert person.post(appeal, {"reason": ""}).status_code == 422
    assert person.post(appeal, {"reason": "降级依据不充分"}).status_code == 302
    decide = reverse("rewards:action", args=[measure.pk, "decide-appeal"])
    assert manager.post(decide, {"outcome": "accepted", "remarks": "x"}).status_code == 403
    page = executive.post(decide, {"outcome": "maybe", "remarks": "x"})
    assert page.status_code == 422
    assert executive.post(decide, {"outcome": "accepted", "remarks": "属实"}).status_code == 302
    measure.refresh_from_db()
    assert measure.status == "revoked"
    assert person.post(reverse("rewards:action", args=[measure.pk, "nope"])).status_code == 404


def test_out_of_scope_pages_are_404(world, propose, client_as):
    measure = propose("warning")
    detail = reverse("rewards:detail", args=[measure.pk])
    for person in (world.assistant, world.admin, world.specialist_b, world.worker):
        assert client_as(person).get(detail).status_code == 404
    assert client_as(world.specialist).get(reverse("rewards:create")).status_code == 403
    assert client_as(world.admin).get(reverse("rewards:create")).status_code == 403


def test_homes_count_what_their_lists_show(world, propose, client_as, api_as):
    waiting = propose("warning")
    propose("commendation", staff=world.assistant.staff)
    services.measure_approve(by=world.manager, measure=propose("merit"))
    bonus = propose("bonus", amount=Decimal("300"))
    services.measure_approve(by=world.manager, measure=bonus)
    cases = (
        (world.manager, "rewards_waiting", 2),  # the warning and the commendation
        (world.executive, "rewards_waiting", 1),  # the bonus
        (world.specialist, "rewards_decided", 1),  # the merit
        (world.specialist, "rewards_answered", 0),
    )
    for person, key, n in cases:
        client = client_as(person)
        home = client.get("/").content.decode()
        found = re.search(FIGURE.format(key=key), home)
        assert found is not None and int(found.group(2)) == n, (person, key)
        listing = client.get(found.group(1).replace("&amp;", "&")).content.decode()
        assert listing.count("<tr data-measure=") == n, (person, key)
    assert waiting.pk
    numbers = api_as(world.executive).get("/api/v1/home").json()
    assert "rewards_waiting" in str(numbers)


def test_staff_profile_shows_the_history_to_whom_may_see_it(world, effective, client_as):
    url = reverse("record_detail", args=["staff", world.specialist.staff.pk])
    for person, shown in (
        (world.specialist, True),
        (world.manager, True),
        (world.executive, True),
        (world.admin, False),
        (world.assistant, False),
    ):
        page = client_as(person).get(url)
        if page.status_code == 404:
            assert not shown
            continue
        html = page.content.decode()
        assert ('id="reward-history"' in html) is shown, person
        assert (f'data-measure="{effective.pk}"' in html) is shown, person


def test_api(world, api_as, call):
    manager, person = api_as(world.manager), api_as(world.specialist)
    payload = {
        "staff": world.specialist.staff.pk,
        "kind": "warning",
        "facts": "未按时回访",
        "reason": "违反规定",
    }
    assert_api_error(person.post("/api/v1/rewards", payload), 403, "permission_denied")
    out = payload | {"staff": world.specialist_b.staff.pk}
    assert_api_error(manager.post("/api/v1/rewards", out), 422, "invalid_choice", "staff")
    bad = payload | {"amount": "100"}
    assert_api_error(manager.post("/api/v1/rewards", bad), 422, "invalid", "amount")
    bad = payload | {"ticket": 10**12}
    assert_api_error(manager.post("/api/v1/rewards", bad), 422, "invalid_choice", "ticket")
    assert Measure.objects.count() == 0
    inquiry = call()
    made = manager.post("/api/v1/rewards", payload | {"complaint": inquiry.pk})
    assert_api_error(made, 422, "invalid_choice", "complaint")
    made = manager.post("/api/v1/rewards", payload | {"ticket": inquiry.pk})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["ticket_id"] == inquiry.pk
    assert_api_error(api_as(world.assistant).get(f"/api/v1/rewards/{pk}"), 404, "not_found")
    assert_api_error(person.post(f"/api/v1/rewards/{pk}/approve", {}), 403, "permission_denied")
    done = manager.post(f"/api/v1/rewards/{pk}/approve", {"remarks": "同意"})
    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert [r["id"] for r in person.get("/api/v1/rewards", mine="decided").json()] == [pk]
    assert_api_error(
        person.post(f"/api/v1/rewards/{pk}/appeal", {"reason": ""}), 422, "required", "reason"
    )
    appealed = person.post(f"/api/v1/rewards/{pk}/appeal", {"reason": "有误"})
    assert appealed.json()["status"] == "appealed"
    assert [r["id"] for r in manager.get("/api/v1/rewards", waiting="true").json()] == [pk]
    bad = {"outcome": "maybe", "remarks": "x"}
    assert manager.post(f"/api/v1/rewards/{pk}/appeal-decision", bad).status_code == 422
    decided = manager.post(
        f"/api/v1/rewards/{pk}/appeal-decision", {"outcome": "rejected", "remarks": "维持"}
    )
    body = decided.json()
    assert body["appeal_outcome"] == "rejected" and body["status"] == "approved"
    assert [e["kind"] for e in body["events"]][-1] == "appeal_no"
    assert_api_error(api_as(world.resident).get("/api/v1/rewards"), 403, "permission_denied")


def test_pages_in_english(world, effective, client_as):
    client = client_as(world.specialist)
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("rewards:detail", args=[effective.pk])).content.decode()
    assert "Warning" in html and "Appeal" in html
    assert "Rewards and penalties" in client.get(reverse("rewards:list")).content.decode()


@pytest.fixture
def month(world):
    from django.utils import timezone

    from wuyedesk.workplans import periods

    return periods.bounds(periods.MONTH, timezone.localdate())
