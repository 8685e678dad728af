"""/api/v1/policies (issue #14 point 8): reading, the workflow, bad input as JSON errors."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.policies.choices import VersionStatus
from wuyedesk.policies.models import PolicyVersion
from wuyedesk.policies.services import policy, regulation
from wuyedesk.testing import assert_api_error, policy_in_force

API = "/api/v1/policies"


def test_settings_in_force_and_history(world, api_as):
    version = policy_in_force(inquiry_follow_up_hours=12)
    api = api_as(world.manager)
    body = api.get(f"{API}/settings").json()
    assert body["version_id"] == version.pk and body["settings"]["inquiry_follow_up_hours"] == 12
    assert body["set_by"]["inquiry_follow_up_hours"]["version_id"] == version.pk
    assert body["set_by"]["return_visit_hours"]["version_id"] == version.based_on_id
    history = api.get(f"{API}/settings/history").json()
    assert [h["number"] for h in history] == [2, 1]
    fields = api.get(f"{API}/settings/fields").json()
    follow = next(f for f in fields if f["name"] == "inquiry_follow_up_hours")
    assert follow["min"] == 1 and follow["max"] == 720
    assert_api_error(api_as(world.specialist).get(f"{API}/settings"), 403, "permission_denied")


def test_workflow_through_the_api(world, api_as):
    manager, executive = api_as(world.manager), api_as(world.executive)
    document = regulation()
    draft = manager.post(f"{API}/documents/{document.pk}/draft", {"summary": "跟进缩短"}).json()
    assert draft["status"] == "draft" and draft["settings"]["inquiry_follow_up_hours"] == 24
    url = f"{API}/versions/{draft['id']}"
    assert_api_error(
        manager.patch(f"{url}/settings", {"inquiry_follow_up_hours": 0}),
        422,
        "min_value",
        "inquiry_follow_up_hours",
    )
    assert_api_error(manager.patch(f"{url}/settings", {"nope": 1}), 422, "unknown_field", "nope")
    body = manager.patch(f"{url}/settings", {"inquiry_follow_up_hours": 12}).json()
    assert body["settings"]["inquiry_follow_up_hours"] == 12
    assert_api_error(manager.post(f"{url}/submit"), 422, "required", "sections")
    section = {"heading": "咨询跟进", "body": "<p>12 小时</p>", "requirements": ["INQ-4"]}
    body = manager.post(f"{url}/sections", section).json()
    assert body["sections"][0]["requirements"] == ["INQ-4"]
    consult = {"department_ids": [world.engineering.pk]}
    assert manager.post(f"{url}/consult", consult).json()["status"] == "consultation"
    worker = api_as(world.worker)
    sid = body["sections"][0]["id"]
    comments = worker.post(f"{url}/comments", {"body": "同意", "section_id": sid}).json()
    assert comments["comments"][0]["body"] == "同意"
    assert manager.post(f"{url}/submit").json()["status"] == "submitted"
    assert_api_error(manager.post(f"{url}/approve", {}), 403, "permission_denied")
    past = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    assert_api_error(
        executive.post(f"{url}/approve", {"effective_at": past}), 422, "past", "effective_at"
    )
    assert_api_error(executive.post(f"{url}/return", {}), 422, "required", "comment")
    assert executive.post(f"{url}/return", {"comment": "再议"}).json()["status"] == "returned"
    edited = manager.patch(f"{url}/sections/{sid}", {"body": "<p>12 小时,夜间次日</p>"}).json()
    assert edited["status"] == "draft"
    manager.post(f"{url}/submit")
    soon = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    body = executive.post(f"{url}/approve", {"effective_at": soon}).json()
    assert body["status"] == "approved" and body["approved_by"] == "周总"
    assert_api_error(
        manager.patch(f"{url}/sections/{sid}", {"body": "<p>x</p>"}), 422, "read_only", "body"
    )
    assert [s["to_status"] for s in body["steps"]] == [
        "draft",
        "draft",
        "consultation",
        "submitted",
        "returned",
        "draft",
        "submitted",
        "approved",
    ][-len(body["steps"]) :]
    assert policy().inquiry_follow_up_hours == 24
    diff = manager.get(f"{API}/documents/{document.pk}/diff", a=draft["based_on_id"], b=draft["id"])
    assert diff.json()["settings"][0]["field"] == "inquiry_follow_up_hours"


def test_drafts_are_not_found_for_staff_and_residents_are_refused(world, api_as):
    manager = api_as(world.manager)
    draft = manager.post(f"{API}/documents/{regulation().pk}/draft").json()
    assert_api_error(
        api_as(world.specialist).get(f"{API}/versions/{draft['id']}"), 404, "not_found"
    )
    assert_api_error(api_as(world.resident).get(f"{API}/documents"), 403, "permission_denied")


@pytest.mark.parametrize("persona", ["specialist", "executive", "worker"])
def test_only_the_manager_proposes(world, api_as, persona):
    response = api_as(getattr(world, persona)).post(f"{API}/documents/{regulation().pk}/draft")
    assert_api_error(response, 403, "permission_denied")
    assert not PolicyVersion.objects.filter(status=VersionStatus.DRAFT).exists()


def test_acknowledge_and_list(world, api_as):
    version = policy_in_force(inquiry_follow_up_hours=12)
    url = f"{API}/versions/{version.pk}"
    api_as(world.specialist).post(f"{url}/acknowledge")
    body = api_as(world.manager).get(f"{url}/acknowledgements").json()
    assert [a["name"] for a in body["acknowledged"]] == ["刘专员"]
    assert "陈助理" in [u["name"] for u in body["outstanding"]]
    assert_api_error(api_as(world.worker).post(f"{url}/acknowledge"), 403, "permission_denied")
    documents = api_as(world.specialist).get(f"{API}/documents").json()
    assert documents[0]["version_in_force_id"] == version.pk
