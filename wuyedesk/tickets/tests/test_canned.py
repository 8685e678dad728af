"""Canned replies (快捷回复, issue #12 point 7): personal and shared per department, placeholders
filled for a ticket and box, the management pages, the picker and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.testing import assert_api_error, ticket_page
from wuyedesk.tickets import canned
from wuyedesk.tickets.canned_models import CannedReply
from wuyedesk.tickets.choices import Audience

BODY = "{客户}您好,工单 {工单号} 将在 {期限} 前处理。"


@pytest.fixture
def shared(world):
    return canned.canned_create(
        by=world.manager, title="维修答复", body=BODY, department=world.engineering
    )


def test_personal_and_shared_replies_are_seen_by_whom_they_belong(world, shared):
    mine = canned.canned_create(by=world.specialist, title="问候", body="{客户}您好")
    assert mine.owner == world.specialist and mine.department is None
    assert list(canned.replies_for(world.specialist)) == [mine]
    # The engineering department's worker uses the shared one, not the specialist's own.
    assert list(canned.replies_for(world.worker)) == [shared]
    # The manager edits every shared reply; the specialist cannot share.
    assert set(canned.replies_listed_for(world.manager)) == {shared}
    with pytest.raises(PermissionDenied):
        canned.canned_create(by=world.specialist, title="x", body="y", department=world.engineering)
    with pytest.raises(PermissionDenied):
        canned.canned_update(by=world.worker, reply=shared, title="改", body="改")
    with pytest.raises(PermissionDenied):
        canned.canned_update(by=world.manager, reply=mine, title="改", body="改")
    with pytest.raises(PermissionDenied):
        canned.canned_create(by=world.resident, title="x", body="y")
    assert AuditEntry.objects.filter(object_type="tickets.cannedreply").count() == 2


@pytest.mark.parametrize(
    ("title", "body", "field", "code"),
    [
        ("", "内容", "title", "required"),
        ("标" * 61, "内容", "title", "max_length"),
        ("标题", "", "body", "required"),
        ("标题", "字" * 2001, "body", "max_length"),
        ("标题", "{客户}您好,{姓名}", "body", "unknown_placeholder"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(world, title, body, field, code):
    with pytest.raises(ValidationError) as refused:
        canned.canned_create(by=world.specialist, title=title, body=body)
    assert refused.value.error_dict[field][0].code == code
    assert not CannedReply.objects.exists()


def test_placeholders_are_filled_for_the_ticket_and_the_reader(world, call):
    t = call(kind="repair")
    due = timezone.localtime(t.next_due).strftime("%Y-%m-%d %H:%M")
    assert (
        canned.fill(BODY, t, Audience.CUSTOMER) == f"张伟您好,工单 {t.number} 将在 {due} 前处理。"
    )
    nobody = call(resident=None)
    assert canned.fill("{客户}", nobody, Audience.CUSTOMER) == "业主"
    assert canned.fill("{客户}", nobody, Audience.INTERNAL) == "未登记客户"
    closed = call(answer="已解答")
    assert canned.fill("{期限}", closed, Audience.INTERNAL) == "—"
    assert canned.box_audience("message") == Audience.CUSTOMER
    assert canned.box_audience("follow_up") == Audience.INTERNAL
    with pytest.raises(ValidationError):
        canned.box_audience("close")


def test_management_pages(world, client_as, shared):
    client = client_as(world.specialist)
    page = client.get("/tickets/canned/").content.decode()
    assert "维修答复" not in page and 'id="canned-none"' in page
    assert "/tickets/canned/" in client.get("/").content.decode()  # in the menu
    response = client.post("/tickets/canned/new/", {"title": "问候", "body": "{客户}好,{房号}"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "未知的占位符 {房号}" in page and "{客户}好" in page
    response = client.post("/tickets/canned/new/", {"title": "问候", "body": "{客户}您好"})
    assert response.status_code == 302
    mine = CannedReply.objects.get(owner=world.specialist)
    response = client.post(f"/tickets/canned/{mine.pk}/", {"title": "问候2", "body": "您好"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.title == "问候2"
    # Another person's or a shared reply of another department: not theirs to see or edit.
    assert client.get(f"/tickets/canned/{shared.pk}/").status_code == 404
    assert client.post(f"/tickets/canned/{shared.pk}/delete/").status_code == 404
    assert client_as(world.worker).get(f"/tickets/canned/{shared.pk}/").status_code == 403
    assert client_as(world.worker).post(f"/tickets/canned/{shared.pk}/delete/").status_code == 403
    assert client_as(world.manager).get(f"/tickets/canned/{mine.pk}/").status_code == 404
    assert client_as(world.supervisor).get("/tickets/canned/").status_code == 403
    client = client_as(world.specialist)  # one test client: client_as logs in again
    assert client.post(f"/tickets/canned/{mine.pk}/delete/").status_code == 302
    assert list(CannedReply.objects.all()) == [shared]
    # The manager shares a reply with a department.
    manager = client_as(world.manager)
    response = manager.post(
        "/tickets/canned/new/",
        {"title": "通知", "body": "工单 {工单号}", "department": world.engineering.pk},
    )
    assert response.status_code == 302
    assert CannedReply.objects.filter(title="通知", department=world.engineering).exists()


def test_picker_fills_the_reply_for_the_ticket_and_box(world, client_as, call):
    t = call(kind="repair")
    canned.canned_create(by=world.specialist, title="问候", body="{客户}您好,{工单号}")
    client = client_as(world.specialist)
    page = ticket_page(client, t)
    assert 'data-canned-for="message-text"' in page and "wuyedesk/canned.js" in page
    url = f"/tickets/{t.pk}/canned/"
    page = client.get(url, {"box": "message", "target": "message-text"}).content.decode()
    assert f'data-canned-text="张伟您好,{t.number}"' in page
    assert 'data-canned-target="message-text"' in page
    assert client.get(url, {"box": "close"}).status_code == 404
    assert client_as(world.specialist_b).get(url, {"box": "message"}).status_code == 404
    assert client_as(world.supervisor).get(url, {"box": "message"}).status_code == 403
    assert client_as(world.resident).get(url, {"box": "message"}).status_code == 403


def test_api(world, api_as, call, shared):
    t = call(kind="repair")
    client = api_as(world.specialist)
    response = client.post("/api/v1/canned-replies", {"title": "问候", "body": "{客户}您好"})
    assert response.status_code == 201, response.content
    mine = response.json()
    assert mine["personal"] and mine["department_id"] is None
    response = client.post("/api/v1/canned-replies", {"title": "问候", "body": "{称呼}您好"})
    assert_api_error(response, 422, "unknown_placeholder", "body")
    response = client.post(
        "/api/v1/canned-replies",
        {"title": "x", "body": "y", "department": world.engineering.pk},
    )
    assert response.status_code == 403
    assert [r["id"] for r in client.get("/api/v1/canned-replies").json()] == [mine["id"]]
    response = client.patch(f"/api/v1/canned-replies/{mine['id']}", {"title": "早上好"})
    assert response.status_code == 200 and response.json()["title"] == "早上好"
    assert client.patch(f"/api/v1/canned-replies/{shared.pk}", {"title": "改"}).status_code == 404
    filled = client.get(f"/api/v1/tickets/{t.pk}/canned-replies", box="feedback").json()
    assert filled == [{"id": mine["id"], "title": "早上好", "text": "张伟您好"}]
    response = client.get(f"/api/v1/tickets/{t.pk}/canned-replies", box="close")
    assert response.status_code == 422
    response = api_as(world.specialist_b).get(f"/api/v1/tickets/{t.pk}/canned-replies")
    assert response.status_code == 404
    assert client.delete(f"/api/v1/canned-replies/{mine['id']}").status_code == 204
    assert list(CannedReply.objects.all()) == [shared]
    assert api_as(world.supervisor).get("/api/v1/canned-replies").status_code == 403
