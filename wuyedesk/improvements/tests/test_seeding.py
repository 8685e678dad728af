"""The demo: the worse community's 环境卫生 finding followed to "verified effective", complaint
measures in the one list, one overdue item; the analysis and report pages show real figures."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from wuyedesk.improvements.models import ImprovementItem
from wuyedesk.improvements.selectors import items_visible_to


@pytest.mark.django_db
def test_demo_improvement_plan_and_survey_pages(client_as):
    from wuyedesk.accounts.models import User
    from wuyedesk.reports.survey_analysis import item_effect
    from wuyedesk.surveys.models import Campaign

    call_command("seed", communities=2, households=160, seed=4, tickets=200)
    manager = User.objects.get(username="manager")
    items = {i.source: i for i in items_visible_to(manager)}
    survey = items["survey"]
    assert survey.status_now == "effective" and survey.dimension.code == "cleaning"
    effect = item_effect(manager, survey)
    assert effect["after"] is not None and effect["significant"]
    assert effect["after"]["satisfied"] > effect["before"]["satisfied"]
    assert survey.updates.count() >= 4
    assert "complaint" in items and items["complaint"].measure_id
    assert items_visible_to(manager).filter(is_overdue=True).count() == 1
    assert ImprovementItem.objects.count() <= 10
    from wuyedesk.improvements.seeding import seed_demo

    assert seed_demo(seed=4) == {}  # once only

    client = client_as(manager)
    campaign = survey.campaign
    page = client.get(reverse("survey_analysis", args=[campaign.pk])).content.decode()
    assert (
        'data-dimension="cleaning"' in page
        and f'data-finding="{survey.community_id}-cleaning"' in page
    )
    latest = Campaign.objects.filter(status="closed").order_by("-period_start").first()
    page = client.get(reverse("survey_analysis", args=[latest.pk])).content.decode()
    assert "survey-themes" in page and 'data-theme="' in page
    assert client.get(reverse("survey_report", args=[latest.pk])).status_code == 200
    detail = client.get(reverse("improvement_detail", args=[survey.pk])).content.decode()
    assert 'data-when="after"' in detail
    # The rows show their rounded figures and the share satisfied (issue #12 point 9).
    import re

    for when in ("before", "after"):
        row = re.search(rf'<tr data-when="{when}">(.*?)</tr>', detail).group(1)
        cells = re.findall(r"<td>(.*?)</td>", row)
        figures = effect[when]
        assert cells[1] == str(round(figures["mean"], 2))
        assert cells[2] == f"{round(100 * figures['satisfied'], 1)}%"
        assert cells[3] == str(round(figures["index"], 1))
