"""/api/v1/improvements: list, filter, create, update, progress, verify; scope and bad input."""

import datetime as dt

from django.utils import timezone

from wuyedesk.improvements.models import ImprovementItem

URL = "/api/v1/improvements"


def payload(world, **extra):
    data = {
        "title": "电梯厅卫生",
        "source": "inspection",
        "department": world.engineering.pk,
        "community": world.a.pk,
        "measures": "每日两次保洁",
        "due": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "owner": world.worker.staff.pk,
    }
    data.update(extra)
    return data


def test_create_list_update_progress_verify(world, api_as):
    api = api_as(world.manager)
    response = api.post(URL, payload(world))
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["status"] == "open" and item["owner"] == "赵师傅" and len(item["updates"]) == 1
    listed = api.get(URL, status="open", department=world.engineering.pk).json()
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    patched = api.patch(f"{URL}/{item['id']}", {"title": "电梯厅及楼道卫生"}).json()
    assert patched["title"] == "电梯厅及楼道卫生"
    worker = api_as(world.worker)
    done = worker.post(f"{URL}/{item['id']}/progress", {"text": "已安排", "status": "done"})
    assert done.json()["status"] == "done"
    verified = api.post(f"{URL}/{item['id']}/verify", {"effective": True, "note": "检查合格"})
    assert verified.json()["status"] == "effective"
    overview = api.get(f"{URL}/overview").json()
    assert overview[0]["effective"] == 1


def test_bad_input_is_json_with_field_and_code(world, api_as):
    api = api_as(world.manager)
    past = api.post(URL, payload(world, due="2020-01-01"))
    assert past.status_code == 422
    assert (past.json()["field"], past.json()["code"]) == ("due", "past")
    unknown = api.post(URL, payload(world, department=999999))
    assert (unknown.json()["field"], unknown.json()["code"]) == ("department", "invalid_choice")
    other = api.post(URL, payload(world, department=world.partner_b.pk))
    assert other.json()["field"] == "department"
    survey = api.post(URL, payload(world, source="survey"))
    assert survey.status_code == 422 and survey.json()["field"] in ("campaign", "dimension")
    missing = api.post(URL, {"title": "x"})
    assert missing.status_code == 422 and missing.json()["field"]
    assert not ImprovementItem.objects.exists()


def test_out_of_scope_404_and_wrong_post_403(world, api_as):
    created = api_as(world.manager).post(URL, payload(world)).json()
    assert api_as(world.specialist_b).get(f"{URL}/{created['id']}").status_code == 404
    assert (
        api_as(world.specialist_b)
        .post(f"{URL}/{created['id']}/progress", {"text": "x"})
        .status_code
        == 404
    )
    assert api_as(world.specialist).post(URL, payload(world)).status_code == 403
    assert (
        api_as(world.assistant)
        .post(f"{URL}/{created['id']}/verify", {"effective": True, "note": "x"})
        .status_code
        == 403
    )
    assert api_as(world.specialist_b).get(URL).json()["items"] == []
