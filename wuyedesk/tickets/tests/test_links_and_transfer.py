"""Linking related tickets and naming the person a transfer goes to (issue #3 §3, §6)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuyedesk.accounts.choices import Post
from wuyedesk.notifications.models import Notification
from wuyedesk.testing import make_staff, ticket_page
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import Dispatch


def test_link_relates_both_ways_and_can_be_undone(world, call):
    first, second = call(), call(description="楼上也漏水")
    services.ticket_link(by=world.specialist, ticket=first, other=second)
    assert list(second.related.all()) == [first]
    assert first.events.filter(kind=EventKind.LINK, body=second.number).exists()
    assert second.events.filter(kind=EventKind.LINK, body=first.number).exists()
    with pytest.raises(ValidationError):
        services.ticket_link(by=world.specialist, ticket=second, other=first)  # already
    services.ticket_link(by=world.specialist, ticket=second, other=first, remove=True)
    assert not first.related.exists()
    with pytest.raises(ValidationError):
        services.ticket_link(by=world.specialist, ticket=first, other=first)
    with pytest.raises(PermissionDenied):
        services.ticket_link(by=world.worker, ticket=first, other=second)


def test_link_on_the_page_by_number_and_bad_number_keeps_the_form(world, call, client_as):
    first, second = call(), call()
    client = client_as(world.specialist)
    response = client.post(f"/tickets/{first.pk}/link/", {"other": second.number}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="related-tickets"' in page and second.number in page
    response = client.post(f"/tickets/{first.pk}/link/", {"other": "20990101-9999"})
    assert "找不到编号为 20990101-9999 的工单" in response.content.decode()
    assert 'value="20990101-9999"' in response.content.decode()
    assert list(first.related.all()) == [second]


def test_link_in_the_api_and_out_of_scope_other_is_422(world, call, api_as):
    first, second = call(), call()
    api = api_as(world.specialist)
    response = api.post(f"/api/v1/tickets/{first.pk}/link", {"other": second.pk})
    assert response.status_code == 200, response.content
    assert [r["number"] for r in response.json()["related"]] == [second.number]
    foreign = services.ticket_create(
        by=world.specialist_b,
        kind="inquiry",
        channel="phone",
        category=first.category,
        title="",
        description="B 小区",
        room=world.rooms_b[0],
    )
    response = api.post(f"/api/v1/tickets/{first.pk}/link", {"other": foreign.pk})
    assert response.status_code == 422 and response.json()["field"] == "other"


def test_transfer_to_a_named_person_notifies_only_them(
    world, call, client_as, django_capture_on_commit_callbacks
):
    helper = make_staff("helper", [Post.DEPARTMENT], [world.a], world.engineering, "钱师傅")
    ticket = call()
    page = ticket_page(client_as(world.specialist), ticket)
    # The person picker groups people by department (plain rows, issue #12 Speed).
    group = page.split(f'<optgroup label="{world.engineering.name}">', 1)[1].split("</optgroup>")[0]
    assert f'value="{helper.pk}"' in group and "钱师傅" in group
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.specialist).post(
            f"/tickets/{ticket.pk}/transfer/",
            {
                "version": ticket.version,
                "department": world.engineering.pk,
                "assignee": helper.pk,
                "note": "请钱师傅上门",
            },
        )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Dispatch.objects.get(ticket=ticket).assignee == helper
    assert Notification.objects.filter(user=helper).exists()
    assert not Notification.objects.filter(user=world.worker).exists()


def test_transfer_to_a_person_of_another_department_is_refused(world, call, client_as, api_as):
    ticket = call()
    response = client_as(world.specialist).post(
        f"/tickets/{ticket.pk}/transfer/",
        {
            "version": ticket.version,
            "department": world.engineering.pk,
            "assignee": world.specialist.pk,  # not a person of any department people list
            "note": "转办",
        },
    )
    assert response.status_code in (200, 422)
    assert "所选人员不属于该部门" in response.content.decode()
    assert not Dispatch.objects.filter(ticket=ticket).exists()
    response = api_as(world.specialist).post(
        f"/api/v1/tickets/{ticket.pk}/transfer",
        {"department": world.engineering.pk, "assignee": 999999, "note": "转办"},
    )
    assert response.status_code == 422 and response.json()["field"] == "assignee"
    assert not Dispatch.objects.filter(ticket=ticket).exists()
