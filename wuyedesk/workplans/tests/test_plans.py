"""Work plans (MGR-1): targets against actuals computed by the dashboard's own functions,
green/amber/red with the regulation's amber margin, on the homes and the dashboard."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.reports import metrics
from wuyedesk.testing import assert_api_error, policy_in_force
from wuyedesk.workplans import figures, periods
from wuyedesk.workplans.models import WorkPlan
from wuyedesk.workplans.services import plans as services


def test_periods():
    day = dt.date(2026, 11, 18)  # a Wednesday
    assert periods.bounds("week", day) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert periods.bounds("month", day) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert periods.bounds("quarter", day) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert periods.bounds("year", day) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert periods.previous("quarter", day) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert periods.bounds("month", dt.date(2024, 2, 9)) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
    )


def test_light_with_the_amber_margin():
    margin = Decimal(2)
    assert figures.light("gte", Decimal(98), 98.0, margin) == "green"
    assert figures.light("gte", Decimal(98), 96.5, margin) == "amber"
    assert figures.light("gte", Decimal(98), 95.9, margin) == "red"
    assert figures.light("lte", Decimal(1), 0.5, margin) == "green"
    assert figures.light("lte", Decimal(1), 3.5, margin) == "red"
    assert figures.light("gte", Decimal(98), None, margin) == "none"


@pytest.fixture
def plan(world):
    plan = services.plan_create(
        by=world.manager,
        title="本月客服工作计划",
        period="month",
        day=timezone.localdate(),
        community=world.a,
    )
    services.target_set(by=world.manager, plan=plan, metric="first_contact", value=50)
    services.target_set(by=world.manager, plan=plan, metric="recorded_late", value=5)
    services.target_set(by=world.manager, plan=plan, metric="complaints_per_100", value=10)
    return plan


def test_actuals_are_the_dashboards(world, plan, call, categories):
    call(answer="已答复")
    call()
    call()
    call(kind="complaint", category=categories["ATTITUDE"])
    rows = {r["metric"]: r for r in figures.target_rows(world.manager, plan)}
    so_far = metrics.Scope(start=plan.start, end=timezone.localdate(), community_id=world.a.pk)
    dash = {r["name"]: r for r in metrics.dashboard(world.manager, so_far)["rates"]}
    assert rows["first_contact"]["actual"] == dash["first_contact"]["percent"] == 33.3
    assert rows["first_contact"]["light"] == "red"
    assert rows["recorded_late"]["actual"] == dash["recorded_late"]["percent"] == 0.0
    assert (
        rows["recorded_late"]["comparison"] == "lte" and rows["recorded_late"]["light"] == "green"
    )
    # 1 complaint over A's 3 households (rooms): 33.33 per 100.
    assert rows["complaints_per_100"]["actual"] == 33.33
    assert rows["first_contact"]["link"].startswith(reverse("report_tickets"))


def test_amber_margin_is_the_regulations(world, plan, call):
    call(answer="已答复")
    call()
    services.target_set(by=world.manager, plan=plan, metric="first_contact", value=60)
    rows = {r["metric"]: r for r in figures.target_rows(world.manager, plan)}
    assert rows["first_contact"]["actual"] == 50.0 and rows["first_contact"]["light"] == "red"
    policy_in_force(target_amber_margin=10)
    rows = {r["metric"]: r for r in figures.target_rows(world.manager, plan)}
    assert rows["first_contact"]["light"] == "amber"


def test_validation_and_permissions(world, plan):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as error:
        services.target_set(by=world.manager, plan=plan, metric="first_contact", value=101)
    assert "value" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.target_set(by=world.manager, plan=plan, metric="nonsense", value=1)
    with pytest.raises(PermissionDenied):
        services.target_set(by=world.specialist, plan=plan, metric="first_contact", value=1)
    with pytest.raises(PermissionDenied):
        services.plan_publish(by=world.assistant, plan=plan)
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=world.manager, title="全公司", period="year", day=timezone.localdate()
        )
    assert "community" in error.value.error_dict  # a scoped manager plans for their communities
    with pytest.raises(PermissionDenied):
        services.plan_create(
            by=world.manager, title="B", period="month", day=timezone.localdate(), community=world.b
        )
    plan.refresh_from_db()
    assert {t.metric: t.value for t in plan.targets.all()}["first_contact"] == 50


def test_pages_publish_and_specialist_reads_only_published(world, plan, client_as):
    response = client_as(world.manager).post(
        reverse("workplan_action", args=[plan.pk, "target"]),
        {"metric": "satisfied", "value": "120"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "百分比目标不能超过 100" in html and 'value="120"' in html
    assert (
        client_as(world.specialist).get(reverse("workplan_detail", args=[plan.pk])).status_code
        == 404
    )
    response = client_as(world.manager).post(
        reverse("workplan_action", args=[plan.pk, "initiative"]),
        {"text": "开展首问负责制培训", "owner": world.specialist.staff.pk, "due": plan.end},
    )
    assert response.status_code == 302
    client_as(world.manager).post(reverse("workplan_action", args=[plan.pk, "publish"]))
    plan.refresh_from_db()
    assert plan.status == "active"
    page = client_as(world.specialist).get(reverse("workplan_detail", args=[plan.pk]))
    assert page.status_code == 200 and "开展首问负责制培训" in page.content.decode()
    assert "target-form" not in page.content.decode()
    # The owner marks their initiative done.
    initiative = plan.initiatives.get()
    client_as(world.specialist).post(
        reverse("workplan_action", args=[plan.pk, "done"]), {"initiative": initiative.pk}
    )
    initiative.refresh_from_db()
    assert initiative.done_at is not None
    # Published: targets are fixed.
    response = client_as(world.manager).post(
        reverse("workplan_action", args=[plan.pk, "target"]), {"metric": "satisfied", "value": "90"}
    )
    assert response.status_code == 422
    assert (
        client_as(world.specialist_b).get(reverse("workplan_detail", args=[plan.pk])).status_code
        == 404
    )
    assert client_as(world.resident).get(reverse("workplan_list")).status_code in (302, 403)
    assert (
        AuditEntry.objects.filter(object_type="workplans.workplan", object_id=plan.pk).count() >= 5
    )


def test_homes_and_dashboard_show_the_lights_linking_to_the_plan(world, plan, client_as, call):
    call(answer="已答复")
    # The home keeps its drawn targets (web/home.py); publishing shows them at once.
    assert 'id="home-targets"' not in client_as(world.manager).get("/").content.decode()
    services.plan_publish(by=world.manager, plan=plan)
    url = reverse("workplan_detail", args=[plan.pk])
    for user in (world.manager, world.executive):
        html = client_as(user).get("/").content.decode()
        assert 'id="home-targets"' in html and url in html
        assert 'data-light="green"' in html  # first contact 100 % ≥ 50 %
    start, end = plan.start, timezone.localdate()
    dash = (
        client_as(world.manager)
        .get(reverse("dashboard"), {"start": start, "end": end, "community": world.a.pk})
        .content.decode()
    )
    assert 'id="plan-targets"' in dash and url in dash
    # The supervisor's home has no plans.
    assert 'id="home-targets"' not in client_as(world.supervisor).get("/").content.decode()


def test_manager_home_counts_reports_to_approve(world, client_as, last_month):
    from wuyedesk.workplans.services import reports

    report = reports.report_request(
        by=world.assistant, cadence="monthly", day=last_month[0], community=world.a
    )
    report.figures, report.drafted_at = {"dashboard": {}}, timezone.now()
    report.save()
    reports.report_submit(by=world.assistant, report=report)
    html = client_as(world.manager).get("/").content.decode()
    assert 'data-figure="work_reports_to_approve" data-count="1"' in html
    listing = client_as(world.manager).get(reverse("workreport_list"), {"status": "submitted"})
    assert listing.content.decode().count(reverse("workreport_detail", args=[report.pk])) == 1


def test_api(world, api_as):
    api = api_as(world.manager)
    body = {
        "title": "四季度计划",
        "period": "quarter",
        "day": timezone.localdate().isoformat(),
        "community": world.a.pk,
    }
    response = api.post("/api/v1/workplans", body)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert_api_error(
        api.post(f"/api/v1/workplans/{pk}/targets", {"metric": "satisfied", "value": 2000}),
        422,
        "less_than_equal",
        "value",
    )
    assert_api_error(api.post(f"/api/v1/workplans/{pk}/publish"), 422, "required", "targets")
    got = api.post(f"/api/v1/workplans/{pk}/targets", {"metric": "satisfied", "value": 95})
    assert got.status_code == 200 and got.json()["targets"][0]["comparison"] == "gte"
    response = api.post(
        f"/api/v1/workplans/{pk}/initiatives",
        {"text": "回访培训", "owner": world.specialist.staff.pk, "due": body["day"]},
    )
    assert response.status_code == 201
    assert api.post(f"/api/v1/workplans/{pk}/publish").json()["status"] == "active"
    assert [p["id"] for p in api_as(world.executive).get("/api/v1/workplans").json()] == [pk]
    assert api_as(world.specialist_b).get(f"/api/v1/workplans/{pk}").status_code == 404
    assert api_as(world.supervisor).get("/api/v1/workplans").status_code == 403
    assert_api_error(
        api_as(world.manager).post("/api/v1/workplans", {**body, "community": world.b.pk}),
        422,
        "invalid_choice",
        "community",
    )
    assert WorkPlan.objects.count() == 1
