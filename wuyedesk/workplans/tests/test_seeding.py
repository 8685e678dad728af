"""The demo: this month's and quarter's published plans with the regulation's targets on the
manager's home, and last month's approved report equal to the dashboard's month."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from wuyedesk.reports import metrics
from wuyedesk.workplans import drafting
from wuyedesk.workplans.models import WorkPlan, WorkReport


@pytest.mark.django_db
def test_demo_plans_and_report(client_as):
    from wuyedesk.accounts.models import User
    from wuyedesk.workplans.seeding import seed_demo

    call_command("seed", communities=2, households=160, seed=4, tickets=200)
    assert WorkPlan.objects.filter(status="active").count() == 2
    report = WorkReport.objects.get()
    assert report.status == "approved" and report.commentary["volumes"]
    manager = report.drafted_by
    assert (
        report.figures["dashboard"]["total"]
        == metrics.dashboard(manager, drafting.scope_of(report))["total"]
    )
    assert seed_demo(seed=4) == {}  # once only
    html = client_as(manager).get("/").content.decode()
    plan = WorkPlan.objects.get(period="month")
    assert reverse("workplan_detail", args=[plan.pk]) in html and 'id="home-targets"' in html
    executive = User.objects.filter(staff__posts__post="executive").first()
    page = client_as(executive).get(reverse("workreport_detail", args=[report.pk]))
    assert page.status_code == 200 and "工单量与趋势" in page.content.decode()
