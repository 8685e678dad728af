import datetime as dt

from django.utils import timezone

from wuyedesk.testing import assert_api_error
from wuyedesk.training.models import Course, Session

API = "/api/v1/training"


def test_organisers_create_courses_and_others_get_403(world, api_as):
    data = {"title": "投诉处理", "kind": "regular", "hours": "3", "pass_mark": 60}
    assert_api_error(
        api_as(world.specialist).post(f"{API}/courses", data), 403, "permission_denied"
    )
    made = api_as(world.assistant).post(f"{API}/courses", data)
    assert made.status_code == 201, made.content
    assert made.json()["pass_mark"] == 60


def test_bad_course_input_is_a_422_naming_the_field(world, api_as):
    api = api_as(world.manager)
    bad = api.post(
        f"{API}/courses",
        {"title": "入职", "kind": "induction", "hours": "3", "recurrence_months": 12},
    )
    assert_api_error(bad, 422, "invalid", "recurrence_months")
    assert_api_error(
        api.post(f"{API}/courses", {"title": "x", "kind": "nope", "hours": "3"}),
        422,
        "literal_error",
        "kind",
    )
    assert not Course.objects.exists()


def test_a_session_from_creation_to_results(world, api_as, induction):
    api = api_as(world.manager)
    made = api.post(
        f"{API}/sessions",
        {
            "course_id": induction[1].pk,
            "starts_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
            "trainer": "讲师",
            "place": "培训室",
            "attendees": [world.specialist.pk],
        },
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]

    bad = api.post(
        f"{API}/sessions/{pk}/results", {"results": [{"user": world.worker.pk, "attended": True}]}
    )
    assert_api_error(bad, 422, "invalid_choice", "user")

    done = api.post(
        f"{API}/sessions/{pk}/results",
        {"results": [{"user": world.specialist.pk, "attended": True, "score": 91}]},
    )
    assert done.json()["attendees"][0]["passed"] is True
    assert Session.objects.get(pk=pk).status == "recorded"

    record = api_as(world.specialist).get(f"{API}/records/{world.specialist.pk}")
    body = record.json()
    assert body["figures"]["exams_passed"] == 1
    assert "企业文化" in body["induction_block"]
    assert_api_error(
        api_as(world.specialist_b).get(f"{API}/records/{world.specialist.pk}"), 404, "not_found"
    )


def test_out_of_scope_callers(world, api_as, induction):
    assert_api_error(api_as(world.resident).get(f"{API}/courses"), 403, "permission_denied")
    assert_api_error(
        api_as(world.specialist).post(f"{API}/sessions/1/cancel"), 403, "permission_denied"
    )
    mine = api_as(world.specialist).get(f"{API}/due", mine=True)
    assert len(mine.json()) == 3
    assert {row["user_id"] for row in api_as(world.manager).get(f"{API}/due").json()} == {
        world.specialist.pk,
        world.assistant.pk,
    }
