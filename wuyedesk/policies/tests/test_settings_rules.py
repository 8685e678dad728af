"""Bad sets of the regulation's numbers are refused on every path, naming the field (#14):
here the settings page of a draft of the regulation (the only way to change them)."""

import pytest

from wuyedesk.policies.models import PolicySettings
from wuyedesk.policies.services import policy
from wuyedesk.policies.tests.test_pages import _settings_form as _form
from wuyedesk.policies.tests.test_pages import draft_settings_url


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight_service": "30"}, "weight_service", "权重合计须为 100%,现为 110%。"),
        (
            {"inquiry_follow_up_hours": "1", "reminder_minutes": "120"},
            "inquiry_follow_up_hours",
            "时限须长于到期前提醒时间(120 分钟)。",
        ),
        ({"service_day_end": "08:00"}, "service_day_end", "服务时间结束须晚于开始。"),
    ],
)
def test_the_settings_page_refuses_a_broken_set_and_keeps_the_form(
    world, client_as, changes, field, message
):
    client = client_as(world.manager)
    url = draft_settings_url(world.manager)
    data = _form(client.get(url).content.decode())
    before = PolicySettings.objects.count()
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert message in form.errors[field]
    page = response.content.decode()
    assert message in page
    assert PolicySettings.objects.count() == before
    assert str(policy().inquiry_follow_up_hours) == "24"


def test_the_settings_page_in_english_names_the_rule(world, client_as):
    world.manager.language = "en"
    world.manager.save(update_fields=["language"])
    client = client_as(world.manager)
    url = draft_settings_url(world.manager)
    data = _form(client.get(url).content.decode())
    data["appraisal_weight_quality"] = "10"
    client.cookies["django_language"] = "en"
    response = client.post(url, data)
    assert "The weights must total 100%; they total 70%." in response.content.decode()
