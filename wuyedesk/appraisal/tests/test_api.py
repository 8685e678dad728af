"""/api/v1/appraisal: the same rules as the pages; bad input is a 422 naming the field and
changes nothing."""

from decimal import Decimal

import pytest

from wuyedesk.appraisal.choices import Component
from wuyedesk.appraisal.models import Appraisal
from wuyedesk.appraisal.services.cycles import previous_quarter
from wuyedesk.appraisal.tests.conftest import open_cycle
from wuyedesk.testing import assert_api_error

pytestmark = pytest.mark.django_db


def test_the_contest_story_through_the_api(records, api_as):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    me = api_as(world.specialist)
    body = me.get(f"/api/v1/appraisal/appraisals/{a.pk}").json()
    assert body["visible"] is False and body["items"] == [] and body["total"] is None
    manager = api_as(world.manager)
    assert_api_error(
        manager.post(f"/api/v1/appraisal/appraisals/{a.pk}/review", {"rating": 70, "reason": " "}),
        422,
        "required",
        "reason",
    )
    manager.post(
        f"/api/v1/appraisal/appraisals/{a.pk}/review", {"rating": 70, "reason": "礼貌用语偶有疏漏"}
    )
    assert manager.post(f"/api/v1/appraisal/appraisals/{a.pk}/publish").status_code == 200
    body = me.get(f"/api/v1/appraisal/appraisals/{a.pk}").json()
    assert body["total"] == 72.3
    wrong = next(
        i
        for i in body["items"]
        if i["component"] == Component.RATING and i["ref_id"] == world.other_ticket.pk
    )
    assert wrong["link"] == f"/tickets/{world.other_ticket.pk}/"
    response = me.post(
        f"/api/v1/appraisal/appraisals/{a.pk}/disputes",
        {"item": wrong["id"], "comment": "不是我的工单"},
    )
    assert response.status_code == 201
    dispute = response.json()["id"]
    assert [d["id"] for d in manager.get("/api/v1/appraisal/disputes").json()] == [dispute]
    assert_api_error(
        manager.post(
            f"/api/v1/appraisal/disputes/{dispute}/answer", {"decision": "accepted", "answer": ""}
        ),
        422,
        "required",
        "answer",
    )
    assert me.post(
        f"/api/v1/appraisal/disputes/{dispute}/answer",
        {"decision": "accepted", "answer": "自己答复"},
    ).status_code in (403, 404)
    response = manager.post(
        f"/api/v1/appraisal/disputes/{dispute}/answer", {"decision": "accepted", "answer": "误归属"}
    )
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    body = me.get(f"/api/v1/appraisal/appraisals/{a.pk}").json()
    assert body["total"] == 75.3
    assert body["history"][-1]["before"] == 72.3 and body["history"][-1]["after"] == 75.3
    a.refresh_from_db()
    assert a.total == Decimal("75.3")


def test_out_of_scope_and_bad_input(records, api_as):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    for user in (world.specialist_b, world.admin, world.worker):
        assert api_as(user).get(f"/api/v1/appraisal/appraisals/{a.pk}").status_code == 404
    assert api_as(world.admin).get("/api/v1/appraisal/cycles").status_code == 403
    assert api_as(world.specialist).get(f"/api/v1/appraisal/cycles/{cycle.pk}").status_code == 404
    year, quarter = previous_quarter(cycle.start.replace(day=1))
    assert (
        api_as(world.specialist)
        .post("/api/v1/appraisal/cycles", {"year": year, "quarter": quarter})
        .status_code
        == 403
    )
    assert_api_error(
        api_as(world.manager).post(
            "/api/v1/appraisal/cycles", {"year": cycle.year, "quarter": cycle.quarter}
        ),
        422,
        "duplicate",
        "quarter",
    )
    response = api_as(world.manager).post("/api/v1/appraisal/cycles", {"year": 2026, "quarter": 9})
    assert response.status_code == 422 and response.json()["field"] == "quarter"
    response = api_as(world.manager).post(
        f"/api/v1/appraisal/appraisals/{a.pk}/review", {"rating": 170, "reason": "x"}
    )
    assert response.status_code == 422 and response.json()["field"] == "rating"
    a.refresh_from_db()
    assert a.manager_rating is None
