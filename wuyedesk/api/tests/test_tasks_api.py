"""/api/v1/tasks: the manager gives tasks with a deadline; the assignee sees and finishes them."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.notifications.models import Notification
from wuyedesk.tickets.models import Task

URL = "/api/v1/tasks"


def later(hours=24) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


@pytest.fixture
def task(world, api_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.manager).post(
            URL,
            {
                "assignee": world.specialist.staff.id,
                "title": "回访3栋电梯投诉的业主",
                "due": later(),
            },
        )
    assert response.status_code == 201, response.content
    return response.json()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_manager_gives_a_task_and_the_assignee_is_told(world, task):
    assert task["assignee"] == {"staff_id": world.specialist.staff.id, "name": "刘专员"}
    assert task["created_by"]["name"] == "王经理"
    assert task["done_at"] is None
    assert Notification.objects.filter(user=world.specialist, kind="task").count() == 1


def test_lists_of_the_assignee_and_of_the_giver(world, api_as, task):
    specialist, manager = api_as(world.specialist), api_as(world.manager)

    assert ids(specialist.get(URL)) == [task["id"]]
    assert ids(specialist.get(URL, scope="mine")) == [task["id"]]
    assert ids(specialist.get(URL, scope="given")) == []
    assert ids(manager.get(URL, scope="given")) == [task["id"]]
    assert ids(manager.get(URL, scope="mine")) == []
    assert ids(api_as(world.assistant).get(URL)) == []


def test_assignee_reports_it_done_once(world, api_as, task, django_capture_on_commit_callbacks):
    api = api_as(world.specialist)

    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(f"{URL}/{task['id']}/done", {"result": "业主表示满意"})
    again = api.post(f"{URL}/{task['id']}/done", {"result": "再来一次"})

    assert done.status_code == 200 and done.json()["done_at"] is not None
    assert again.status_code == 422 and again.json()["code"] == "invalid_state"
    assert Task.objects.get().result == "业主表示满意"
    assert Notification.objects.filter(user=world.manager, kind="task_done").count() == 1
    assert ids(api.get(URL, done=False)) == []
    assert ids(api.get(URL, done=True)) == [task["id"]]


def test_only_the_assignee_reports_it_done(world, api_as, task):
    response = api_as(world.manager).post(f"{URL}/{task['id']}/done", {})

    assert response.status_code == 403
    assert Task.objects.get().done_at is None


@pytest.mark.parametrize("persona", ["assistant", "specialist_b"])
def test_others_do_not_see_the_task(world, api_as, task, persona):
    api = api_as(getattr(world, persona))

    assert api.get(f"{URL}/{task['id']}").status_code == 404
    assert api.post(f"{URL}/{task['id']}/done", {}).status_code == 404


@pytest.mark.parametrize("persona", ["specialist", "worker", "admin"])
def test_only_a_manager_or_assistant_gives_tasks(world, api_as, persona):
    """The manager and (AST-5, issue #15 point 9) the assistant give tasks; nobody else."""
    response = api_as(getattr(world, persona)).post(
        URL, {"assignee": world.specialist.staff.id, "title": "x", "due": later()}
    )

    assert response.status_code == 403
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"assignee": "specialist_b"}, "assignee"),
        ({"due": "past"}, "due"),
        ({"title": " "}, "title"),
        ({"ticket": 999999}, "ticket"),
        ({"due": "2200-01-01T00:00:00"}, "due"),
    ],
)
def test_bad_task_input_is_a_422_and_creates_nothing(world, api_as, fields, field):
    values = {
        "specialist_b": world.specialist_b.staff.id,
        "past": (timezone.now() - dt.timedelta(days=1)).isoformat(),
    }
    body = {"assignee": world.specialist.staff.id, "title": "回电", "due": later()}
    body.update({k: values.get(v, v) for k, v in fields.items()})

    response = api_as(world.manager).post(URL, body)

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Task.objects.exists()


def test_the_assistant_gives_a_task_through_the_api(world, api_as):
    response = api_as(world.assistant).post(
        URL, {"assignee": world.specialist.staff.id, "title": "核对名单", "due": later()}
    )

    assert response.status_code == 201
    assert Task.objects.get().created_by == world.assistant
