"""Incidents (MGR-5) and tasks from superiors (SPE-5) through their pages."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wuyedesk.notifications.models import Notification
from wuyedesk.tickets import services
from wuyedesk.tickets.models import Incident, Task


def _local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


# --- incidents ------------------------------------------------------------------------------


def test_create_an_incident_with_its_tickets_then_update_them_all(world, call, client_as):
    a, b = call(description="3栋电梯停了"), call(description="电梯又停")
    client = client_as(world.manager)
    response = client.post(
        "/tickets/incidents/",
        {
            "community": world.a.pk,
            "title": "3栋电梯停运",
            "severity": "emergency",
            "numbers": f"{a.number}, {b.number}",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert set(incident.tickets.all()) == {a, b}
    page = client.get(f"/tickets/incidents/{incident.pk}/").content.decode()
    assert a.number in page and b.number in page
    response = client.post(
        f"/tickets/incidents/{incident.pk}/update/", {"text": "维保已到场,预计下午恢复"}
    )
    assert response.status_code == 302
    for ticket in (a, b):
        assert ticket.events.filter(kind="incident", public=True, body__contains="预计").exists()
    listing = client.get("/tickets/incidents/").content.decode()
    assert "3栋电梯停运" in listing


def test_incident_with_an_unknown_number_keeps_the_form(world, client_as):
    response = client_as(world.specialist).post(
        "/tickets/incidents/",
        {"community": world.a.pk, "title": "停水", "severity": "major", "numbers": "20990101-0001"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "找不到编号为 20990101-0001 的工单" in page and 'value="停水"' in page
    assert not Incident.objects.exists()


def test_incident_update_needs_text_and_changes_nothing(world, call, client_as):
    ticket = call()
    incident = services.incident_create(
        by=world.manager, community=world.a, title="停电", tickets=[ticket]
    )
    events = ticket.events.count()
    response = client_as(world.manager).post(
        f"/tickets/incidents/{incident.pk}/update/", {"text": ""}
    )
    assert response.status_code == 200 and "内容不能为空" in response.content.decode()
    assert ticket.events.count() == events


def test_link_a_ticket_to_an_incident_by_number(world, call, client_as):
    ticket = call()
    incident = services.incident_create(by=world.manager, community=world.a, title="停电")
    client = client_as(world.specialist)
    response = client.post(f"/tickets/incidents/{incident.pk}/link/", {"number": ticket.number})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.incident == incident
    bad = client.post(f"/tickets/incidents/{incident.pk}/link/", {"number": "nope"})
    assert bad.status_code == 200 and "找不到该工单" in bad.content.decode()


def test_incidents_out_of_scope_and_wrong_post(world, call, client_as):
    incident = services.incident_create(by=world.manager, community=world.a, title="停电")
    outsider = client_as(world.specialist_b)
    assert outsider.get(f"/tickets/incidents/{incident.pk}/").status_code == 404
    assert (
        outsider.post(f"/tickets/incidents/{incident.pk}/update/", {"text": "x"}).status_code == 404
    )
    assert "停电" not in outsider.get("/tickets/incidents/").content.decode()
    supervisor = client_as(world.supervisor)
    assert supervisor.get(f"/tickets/incidents/{incident.pk}/").status_code == 200
    assert (
        supervisor.post(f"/tickets/incidents/{incident.pk}/update/", {"text": "x"}).status_code
        == 403
    )
    assert supervisor.post("/tickets/incidents/", {"title": "x"}).status_code == 403
    assert Incident.objects.count() == 1


def test_incident_list_queries_do_not_grow(world, client_as):
    client = client_as(world.manager)
    for i in range(3):
        services.incident_create(by=world.manager, community=world.a, title=f"事件{i}")
    client.get("/tickets/incidents/")  # what every page keeps (scope, badges), kept
    with CaptureQueriesContext(connection) as small:
        client.get("/tickets/incidents/")
    for i in range(20):
        services.incident_create(by=world.manager, community=world.a, title=f"事件{i}")
    client.get("/tickets/incidents/")
    with CaptureQueriesContext(connection) as large:
        client.get("/tickets/incidents/")
    assert len(large.captured_queries) == len(small.captured_queries)


# --- tasks ----------------------------------------------------------------------------------


def test_manager_gives_a_task_it_shows_first_in_my_work(
    world, call, client_as, django_capture_on_commit_callbacks
):
    ticket = call()
    manager = client_as(world.manager)
    later, sooner = timezone.now() + dt.timedelta(days=2), timezone.now() + dt.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        for title, due in (("整理回访名单", later), ("核对停车费投诉", sooner)):
            response = manager.post(
                "/tickets/tasks/",
                {
                    "assignee": world.specialist.pk,
                    "title": title,
                    "due": _local(due),
                    "number": ticket.number,
                },
            )
            assert response.status_code == 302, response.content.decode()[:2000]
    assert Task.objects.count() == 2
    assert Notification.objects.filter(user=world.specialist, kind="task").count() == 2
    page = client_as(world.specialist).get("/tickets/?queue=mine").content.decode()
    tickets_at = page.index('id="ticket-list"')
    assert page.index("核对停车费投诉") < page.index("整理回访名单") < tickets_at
    assert ticket.number in page[tickets_at:]


def test_assignee_marks_a_task_done(world, client_as, django_capture_on_commit_callbacks):
    from wuyedesk.tickets.assignments.services import task_create

    task = task_create(
        by=world.manager,
        assignee=world.specialist,
        title="整理名单",
        due=timezone.now() + dt.timedelta(hours=5),
    )
    client = client_as(world.specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/tickets/tasks/{task.pk}/done/", {"result": "已整理", "next": "/tickets/?queue=mine"}
        )
    assert response.status_code == 302 and response["Location"] == "/tickets/?queue=mine"
    task.refresh_from_db()
    assert task.done_at is not None and task.result == "已整理"
    assert Notification.objects.filter(user=world.manager, kind="task_done").exists()
    assert "整理名单" not in client.get("/tickets/?queue=mine").content.decode()
    # the giver may see it but not report it done; strangers do not see it at all
    assert client_as(world.manager).post(f"/tickets/tasks/{task.pk}/done/").status_code == 403
    assert client_as(world.assistant).post(f"/tickets/tasks/{task.pk}/done/").status_code == 404


def test_task_done_never_redirects_elsewhere(world, client_as):
    from wuyedesk.tickets.assignments.services import task_create

    task = task_create(
        by=world.manager,
        assignee=world.specialist,
        title="x",
        due=timezone.now() + dt.timedelta(hours=1),
    )
    response = client_as(world.specialist).post(
        f"/tickets/tasks/{task.pk}/done/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/tickets/tasks/"


def test_bad_task_keeps_the_form_and_saves_nothing(world, client_as):
    client = client_as(world.manager)
    past = _local(timezone.now() - dt.timedelta(days=1))
    response = client.post(
        "/tickets/tasks/",
        {"assignee": world.specialist.pk, "title": "迟到的任务", "due": past},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "期限不能早于现在" in page and 'value="迟到的任务"' in page
    response = client.post(
        "/tickets/tasks/",
        {"assignee": world.specialist_b.pk, "title": "别的小区", "due": _local(timezone.now())},
    )
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    assert not Task.objects.exists()


def test_only_the_manager_gives_tasks(world, client_as):
    client = client_as(world.specialist)
    assert client.get("/tickets/tasks/").status_code == 200  # their own tasks
    due = _local(timezone.now() + dt.timedelta(hours=2))
    response = client.post(
        "/tickets/tasks/", {"assignee": world.assistant.pk, "title": "x", "due": due}
    )
    assert response.status_code == 403
    assert not Task.objects.exists()


def test_task_service_refuses_staff_outside_the_managers_communities(world):
    import pytest
    from django.core.exceptions import ValidationError

    from wuyedesk.tickets.assignments.services import task_create

    with pytest.raises(ValidationError) as error:
        task_create(
            by=world.manager,
            assignee=world.specialist_b,
            title="x",
            due=timezone.now() + dt.timedelta(hours=1),
        )
    assert "assignee" in error.value.message_dict


def test_the_assistant_gives_tasks_too(world, client_as, django_capture_on_commit_callbacks):
    """AST-5 (#15): the assistant runs the department's daily affairs and gives tasks."""
    due = _local(timezone.now() + dt.timedelta(hours=4))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.assistant).post(
            "/tickets/tasks/",
            {"assignee": world.specialist.pk, "title": "整理周报数据", "due": due},
        )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.created_by == world.assistant and task.assignee == world.specialist
    assert Notification.objects.filter(user=world.specialist, kind="task").exists()


def test_the_assistant_gives_no_task_outside_their_communities(world):
    import pytest
    from django.core.exceptions import ValidationError

    from wuyedesk.tickets.assignments.services import task_create

    with pytest.raises(ValidationError) as error:
        task_create(
            by=world.assistant,
            assignee=world.specialist_b,
            title="x",
            due=timezone.now() + dt.timedelta(hours=1),
        )
    assert "assignee" in error.value.message_dict
    assert not Task.objects.exists()
