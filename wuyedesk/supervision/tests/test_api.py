import django.test
from django.utils import timezone

from wuyedesk.supervision.models import Inspection, Plan
from wuyedesk.testing import assert_api_error

BASE = "/api/v1/supervision"


def _scores(checklist, fail=()):
    return [
        {"item": i.pk, "result": "fail" if i.code in fail else "pass", "comment": "不规范"}
        for i in checklist.items.all()
    ]


def test_the_whole_way_through_the_api(group, tickets, api_as):
    world = group
    supervisor = api_as(world.supervisor)
    month = timezone.localdate().isoformat()
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):
        made = supervisor.post(
            f"{BASE}/plans",
            {
                "month": month,
                "tickets_per_person": 5,
                "calls_per_person": 0,
                "seed": 99,
                "people": [world.specialist.pk],
            },
        )
    assert made.status_code == 202, made.content
    plan = supervisor.get(f"{BASE}/plans/{made.json()['id']}").json()
    assert plan["status"] == "sampled" and plan["seed"] == 99
    listed = supervisor.get(f"{BASE}/inspections", due="period").json()["items"]
    assert len(listed) == 5
    pk = listed[0]["id"]
    scored = supervisor.put(
        f"{BASE}/inspections/{pk}/scores", {"scores": _scores(world.checklist, fail={"G3"})}
    )
    assert scored.status_code == 200, scored.content
    closed = supervisor.post(f"{BASE}/inspections/{pk}/close", {})
    body = closed.json()
    assert body["score"] == 0 and body["critical_fail"] and len(body["findings"]) == 1
    specialist = api_as(world.specialist)
    answered = specialist.post(f"{BASE}/inspections/{pk}/answer", {"text": "收到"})
    assert answered.json()["answer"] == "收到"
    figures = api_as(world.executive).get(f"{BASE}/figures").json()
    assert figures["count"] == 1 and figures["critical_fails"] == 1
    assert api_as(world.executive).get(f"{BASE}/inspections/{pk}").status_code == 404


def test_bad_input_and_refusals(group, tickets, api_as):
    world = group
    supervisor = api_as(world.supervisor)
    assert_api_error(
        supervisor.post(f"{BASE}/inspections", {"kind": "mystery", "person": world.specialist.pk}),
        422,
        "required",
        "script",
    )
    assert_api_error(
        supervisor.post(f"{BASE}/inspections", {"kind": "onsite", "person": world.supervisor.pk}),
        422,
        "invalid_choice",
        "person",
    )
    assert_api_error(
        api_as(world.specialist).post(
            f"{BASE}/inspections", {"kind": "onsite", "person": world.assistant.pk}
        ),
        403,
        "permission_denied",
    )
    assert_api_error(
        api_as(world.manager).post(f"{BASE}/members", {"user": world.specialist.pk, "remit": "x"}),
        422,
        "invalid_choice",
        "user",
    )
    assert not Inspection.objects.exists() and not Plan.objects.exists()


def test_checklists_and_calibration_over_the_api(group, tickets, api_as):
    world = group
    made = api_as(world.manager).post(
        f"{BASE}/checklists",
        {
            "post": "specialist",
            "title": "v2",
            "items": [{"code": "A", "text": "礼貌", "weight": 100, "critical": True}],
        },
    )
    assert made.status_code == 201 and made.json()["version"] == 2
    supervisor = api_as(world.supervisor)
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):
        plan = supervisor.post(
            f"{BASE}/plans",
            {
                "month": timezone.localdate().isoformat(),
                "tickets_per_person": 1,
                "calls_per_person": 0,
            },
        ).json()
    pk = supervisor.get(f"{BASE}/inspections").json()["items"][0]["id"]
    pair = supervisor.post(f"{BASE}/inspections/{pk}/calibrate", {"second": world.supervisor2.pk})
    assert pair.status_code == 201, pair.content
    calibrations = api_as(world.supervisor2).get(f"{BASE}/calibrations", open="true").json()
    assert len(calibrations) == 1 and plan["id"]
    twin = calibrations[0]["second_id"]
    checklist = Inspection.objects.get(pk=pk).checklist
    supervisor.put(f"{BASE}/inspections/{pk}/scores", {"scores": _scores(checklist)})
    supervisor.post(f"{BASE}/inspections/{pk}/close", {})
    blind = api_as(world.supervisor2).get(f"{BASE}/inspections/{pk}").json()
    assert blind["blind"] and blind["scores"] == []
    second = api_as(world.supervisor2)
    second.put(f"{BASE}/inspections/{twin}/scores", {"scores": _scores(checklist, fail={"A"})})
    second.post(f"{BASE}/inspections/{twin}/close", {})
    done = second.get(f"{BASE}/calibrations").json()[0]
    assert done["flagged"] and done["divergence"] == 100
    discussed = second.post(f"{BASE}/calibrations/{done['id']}/discuss", {"text": "统一口径"})
    assert discussed.json()["discussion"] == "统一口径"
