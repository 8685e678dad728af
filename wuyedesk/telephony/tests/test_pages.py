"""The screen pop, the intake opened from a call, the call log pages and the settings."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.telephony.models import Call
from wuyedesk.testing import ticket_page


def _ring(pbx, world, call_id="c-1", caller="13812345678", user=None):
    user = user or world.specialist
    return pbx.ring(caller, user.staff.extension, call_id=call_id).json()["id"]


def test_staff_pages_poll_the_screen_pop_only_with_an_extension(world, client_as):
    page = client_as(world.specialist).get("/tickets/").content.decode()
    assert 'id="screen-pop"' in page and "/calls/pop/" in page
    world.worker.staff.extension = ""
    world.worker.staff.save()
    page = client_as(world.worker).get("/").content.decode()
    assert 'id="screen-pop"' not in page


def test_pop_shows_the_caller_their_rooms_and_open_tickets(world, pbx, client_as, ticket):
    t = ticket()
    pk = _ring(pbx, world)
    response = client_as(world.specialist).get("/calls/pop/", {"shown": "?"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "张伟" in page and "138****5678" in page and "13812345678" not in page
    assert world.rooms_a[0].address in page
    assert t.number in page
    assert f"/tickets/new/?call={pk}" in page


def test_pop_answers_204_while_nothing_changed_with_one_query(
    world, pbx, client_as, django_assert_max_num_queries
):
    pk = _ring(pbx, world)
    client = client_as(world.specialist)
    client.get("/calls/pop/", {"shown": "?"})
    with django_assert_max_num_queries(6):  # session, user, staff, posts, the pop row
        response = client.get("/calls/pop/", {"shown": f"{pk}-0"})
    assert response.status_code == 204
    pbx.end("c-1", {"answered": True})
    response = client.get("/calls/pop/", {"shown": f"{pk}-0"})
    assert response.status_code == 200
    assert "通话已结束" in response.content.decode()


def test_pop_is_only_for_the_staff_on_the_extension(world, pbx, client_as):
    _ring(pbx, world)
    response = client_as(world.assistant).get("/calls/pop/", {"shown": "?"})
    assert "data-call" not in response.content.decode()


def test_caller_out_of_scope_is_not_shown(world, pbx, client_as):
    # Community B's resident calls community A's specialist: the number only, masked.
    pk = _ring(pbx, world, caller="13987654321")
    page = client_as(world.specialist).get("/calls/pop/", {"shown": "?"}).content.decode()
    assert f'data-call="{pk}"' in page
    assert "李娜" not in page and 'id="pop-unknown"' in page


def test_dismiss_closes_the_pop(world, pbx, client_as):
    pk = _ring(pbx, world)
    client = client_as(world.specialist)
    assert client.post(f"/calls/{pk}/dismiss/").status_code == 200
    assert not Call.objects.get(pk=pk).pop_open
    assert "data-call" not in client.get("/calls/pop/", {"shown": "?"}).content.decode()


def test_intake_from_a_call_prefills_the_caller_without_the_number_in_the_url(
    world, pbx, client_as, categories
):
    pk = _ring(pbx, world)
    client = client_as(world.specialist)
    response = client.get(f"/tickets/new/?call={pk}")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["resident"] == world.resident_a.pk
    assert form.initial["room"] == world.rooms_a[0].pk
    assert form.initial["channel"] == "phone"
    assert f'name="call" value="{pk}"' in response.content.decode()
    response = client.post(
        "/tickets/new/",
        {
            "call": pk,
            "resident": world.resident_a.pk,
            "room": world.rooms_a[0].pk,
            "kind": "repair",
            "category": categories["UTILITY"].pk,
            "severity": "normal",
            "channel": "phone",
            "contact_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": "厨房水管漏水",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get(pk=pk)
    assert call.ticket is not None and call.ticket.description == "厨房水管漏水"


def test_intake_with_a_call_out_of_scope_is_404(world, pbx, client_as):
    pk = _ring(pbx, world, user=world.specialist_b, caller="13987654321")
    assert client_as(world.specialist).get(f"/tickets/new/?call={pk}").status_code == 404
    assert client_as(world.specialist).get("/tickets/new/?call=abc").status_code == 404


def test_call_list_is_scoped_and_masked(world, pbx, client_as):
    _ring(pbx, world, call_id="a")
    _ring(pbx, world, call_id="b", caller="13987654321", user=world.specialist_b)
    page = client_as(world.specialist).get("/calls/").content.decode()
    assert "138****5678" in page and "139****4321" not in page
    assert "13812345678" not in page
    page = client_as(world.specialist_b).get("/calls/").content.decode()
    assert "139****4321" in page and "138****5678" not in page
    assert client_as(world.resident).get("/calls/").status_code == 403


def test_call_list_query_count_does_not_grow(world, pbx, client_as, django_assert_max_num_queries):
    client = client_as(world.manager)
    _ring(pbx, world, call_id="first")
    client.get("/calls/")
    with django_assert_max_num_queries(14):
        client.get("/calls/")
    for i in range(15):
        _ring(pbx, world, call_id=f"more-{i}")
    with django_assert_max_num_queries(14):
        client.get("/calls/?direction=in&since=2020-01-01&until=bad")


def test_reveal_is_audited_and_refused_without_the_post(world, pbx, client_as):
    pk = _ring(pbx, world)
    response = client_as(world.specialist).post(f"/calls/{pk}/reveal/")
    assert "13812345678" in response.content.decode()
    assert AuditEntry.objects.filter(action="reveal", object_id=pk).count() == 1
    assert client_as(world.supervisor).post(f"/calls/{pk}/reveal/").status_code == 403
    assert client_as(world.specialist_b).post(f"/calls/{pk}/reveal/").status_code == 404


def test_log_follow_up_call_counts_toward_the_follow_up_deadline(world, client_as, ticket):
    t = ticket()
    page = ticket_page(client_as(world.specialist), t)
    link = f'href="/calls/new/?ticket={t.number}&amp;purpose=follow_up"'
    assert link in page  # the ticket page opens the call form for its follow-up
    form = client_as(world.specialist).get(f"/calls/new/?ticket={t.number}&purpose=follow_up")
    assert f'value="{t.number}"' in form.content.decode()
    response = client_as(world.specialist).post(
        "/calls/new/",
        {
            "direction": "out",
            "purpose": "follow_up",
            "ticket": t.number,
            "number": "",
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "minutes": "3",
            "outcome": "answered",
            "notes": "已告知维修安排在明天上午",
        },
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.followed_up_at is not None
    call = Call.objects.get()
    assert (
        call.duration == 180 and call.number == "13812345678" and call.resident == world.resident_a
    )
    assert t.events.filter(kind="follow_up", channel="phone").exists()


def test_unanswered_follow_up_call_is_logged_but_is_no_follow_up(world, client_as, ticket):
    t = ticket()
    client_as(world.specialist).post(
        "/calls/new/",
        {
            "direction": "out",
            "purpose": "follow_up",
            "ticket": t.number,
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "outcome": "unreachable",
        },
    )
    t.refresh_from_db()
    assert Call.objects.count() == 1 and t.followed_up_at is None
    row = t.events.get(kind="call")  # the attempt is on the ticket's timeline, internal
    assert not row.public and row.channel == "phone" and "未联系上" in row.body


def test_log_return_visit_call_records_the_return_visit(world, client_as, ticket):
    from wuyedesk.tickets.services import ticket_feedback

    t = ticket()
    ticket_feedback(by=world.specialist, ticket=t, channel="phone", text="已修好")
    response = client_as(world.specialist).post(
        "/calls/new/",
        {
            "direction": "out",
            "purpose": "return_visit",
            "ticket": t.number,
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "outcome": "answered",
            "satisfaction": "satisfied",
            "notes": "客户表示满意",
        },
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.return_visit_at is not None and t.satisfaction == "satisfied"
    assert t.return_visits.get().channel == "phone"


def test_return_visit_before_feedback_is_refused_and_nothing_is_saved(world, client_as, ticket):
    t = ticket()
    response = client_as(world.specialist).post(
        "/calls/new/",
        {
            "direction": "out",
            "purpose": "return_visit",
            "ticket": t.number,
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "outcome": "answered",
            "satisfaction": "satisfied",
            "notes": "客户表示满意(先于反馈)",
        },
    )
    assert response.status_code == 200
    assert "请先向客户反馈处理结果" in response.content.decode()
    assert "客户表示满意(先于反馈)" in response.content.decode()  # what was typed stays
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "change,field",
    [
        ({"ticket": "20990101-0001"}, "ticket"),
        ({"purpose": "follow_up", "ticket": ""}, "ticket"),
        ({"number": "abc", "ticket": ""}, "number"),
        ({"minutes": "-1"}, "minutes"),
    ],
)
def test_bad_call_log_input_is_refused(world, client_as, ticket, change, field):
    t = ticket()
    data = {
        "direction": "out",
        "purpose": "general",
        "ticket": t.number,
        "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "outcome": "answered",
        "notes": "一些备注",
        **change,
    }
    response = client_as(world.specialist).post("/calls/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Call.objects.exists()


def test_ticket_of_another_community_cannot_be_logged(world, client_as, ticket):
    t = ticket()
    response = client_as(world.specialist_b).post(
        "/calls/new/",
        {
            "direction": "out",
            "purpose": "follow_up",
            "ticket": t.number,
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "outcome": "answered",
            "notes": "x",
        },
    )
    assert response.context["form"].errors.get("ticket")
    assert not Call.objects.exists()


def test_department_worker_cannot_log_calls(world, client_as):
    assert client_as(world.worker).get("/calls/new/").status_code == 403


def test_call_detail_links_a_ticket(world, pbx, client_as, ticket):
    t = ticket()
    pk = _ring(pbx, world)
    client = client_as(world.specialist)
    response = client.post(
        f"/calls/{pk}/", {"ticket": t.number, "outcome": "answered", "notes": "问进度"}
    )
    assert response.status_code == 302
    call = Call.objects.get(pk=pk)
    assert call.ticket == t and call.notes == "问进度" and call.answered
    row = t.events.get(kind="call")
    assert row.data["call"] == pk and "问进度" in row.body and not row.public
    page = client.get(f"/tickets/{t.pk}/").content.decode()
    assert "通话记录" in page and "问进度" in page
    assert client_as(world.specialist_b).get(f"/calls/{pk}/").status_code == 404


def test_own_extension_is_set_and_a_taken_one_refused(world, client_as):
    client = client_as(world.specialist)
    assert client.post("/calls/extension/", {"extension": "8801"}).status_code == 302
    world.specialist.staff.refresh_from_db()
    assert world.specialist.staff.extension == "8801"
    taken = world.manager.staff.extension
    response = client.post("/calls/extension/", {"extension": taken})
    assert response.status_code == 200
    assert response.context["form"].errors["extension"]
    response = client.post("/calls/extension/", {"extension": "12a"})
    assert response.context["form"].errors["extension"]
    world.specialist.staff.refresh_from_db()
    assert world.specialist.staff.extension == "8801"


def test_integration_tokens_page_is_for_admins(world, client_as):
    assert client_as(world.manager).get("/calls/integrations/").status_code == 403
    client = client_as(world.admin)
    response = client.post("/calls/integrations/", {"name": "总部 Asterisk", "source": "hq"})
    raw = response.context["raw"]
    assert raw.startswith("wdt_") and raw in response.content.decode()
    from wuyedesk.telephony.models import Integration

    integration = Integration.objects.get()
    assert raw not in integration.digest
    client.post(f"/calls/integrations/{integration.pk}/revoke/")
    integration.refresh_from_db()
    assert integration.revoked_at is not None


def test_old_pop_expires(world, pbx, client_as):
    started = (timezone.now() - dt.timedelta(days=1)).isoformat()
    pbx.ring("13812345678", world.specialist.staff.extension, started_at=started)
    page = client_as(world.specialist).get("/calls/pop/", {"shown": "?"}).content.decode()
    assert "data-call" not in page


def test_pop_poll_after_logout_stops_polling(client):
    response = client.get("/calls/pop/", {"shown": "?"})
    assert response.status_code == 286 and response.content == b""
