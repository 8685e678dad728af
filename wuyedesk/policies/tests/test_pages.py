"""服务时限 /settings/policy/: current values, a change as a new version, the history."""

import re

import pytest

from wuyedesk.audit.models import AuditEntry
from wuyedesk.policies.models import PolicySettings
from wuyedesk.policies.services import policy

URL = "/settings/policy/"


def _form(page: str) -> dict:
    """The values the page shows, as a browser would post them back."""
    data = {}
    for name, value in re.findall(
        r'<input type="(?:number|hidden|text)" name="(\w+)" value="([^"]*)"', page
    ):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="(\w+)"[^>]*checked', page):
        data.setdefault(name, "on")
    data["complaint_notify_severities"] = re.findall(
        r'name="complaint_notify_severities" value="(\w+)"[^>]*checked', page
    )
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        data[name] = re.search(r'<option value="([^"]*)"[^>]*selected', options).group(1)
    data.pop("csrfmiddlewaretoken", None)
    return data


@pytest.mark.parametrize("persona", ["manager", "admin"])
def test_manager_and_admin_change_a_setting_as_a_new_version(world, client_as, persona):
    client = client_as(getattr(world, persona))
    first = policy()
    page = client.get(URL).content.decode()
    assert "咨询跟进时限(小时)" in page and 'value="24"' in page
    data = _form(page)
    assert data["inquiry_follow_up_hours"] == "24" and data["based_on"] == str(first.pk)
    data.update(inquiry_follow_up_hours="12", note="试行12小时跟进")
    response = client.post(URL, data)
    assert response.status_code == 302
    current = policy()
    assert current.pk != first.pk and current.inquiry_follow_up_hours == 12
    assert current.created_by == getattr(world, persona)
    assert current.complaint_notify_severities == first.complaint_notify_severities
    assert PolicySettings.objects.filter(pk=first.pk, inquiry_follow_up_hours=24).exists()
    history = client.get(URL).content.decode()
    assert "试行12小时跟进" in history and history.count("<tr") >= 3  # header + 2 versions
    assert AuditEntry.objects.filter(object_id=current.pk).exists()


def test_new_setting_applies_to_new_tickets_only(world, call, client_as):
    old = call()
    client = client_as(world.manager)
    data = _form(client.get(URL).content.decode())
    data["inquiry_follow_up_hours"] = "12"
    assert client.post(URL, data).status_code == 302
    new = call()
    old.refresh_from_db()
    assert (old.follow_up_due - old.contact_at).total_seconds() == 24 * 3600
    assert (new.follow_up_due - new.contact_at).total_seconds() == 12 * 3600


def test_bad_value_keeps_the_form_and_saves_nothing(world, client_as):
    client = client_as(world.manager)
    data = _form(client.get(URL).content.decode())
    data.update(inquiry_follow_up_hours="0", note="写错了")
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "is-invalid" in page and 'value="0"' in page and "写错了" in page
    assert PolicySettings.objects.count() == 1


def test_stale_page_is_refused(world, client_as):
    manager = client_as(world.manager)
    data = _form(manager.get(URL).content.decode())
    PolicySettings.objects.create(note="someone else")  # changed meanwhile
    data["inquiry_follow_up_hours"] = "6"
    response = manager.post(URL, data)
    assert response.status_code == 409
    assert "设置已被他人修改,请刷新后重试" in response.content.decode()
    assert policy().inquiry_follow_up_hours == 24


@pytest.mark.parametrize(
    "persona", ["specialist", "assistant", "worker", "supervisor", "executive"]
)
def test_other_posts_are_forbidden(world, client_as, persona):
    client = client_as(getattr(world, persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"inquiry_follow_up_hours": "1"}).status_code == 403
    assert PolicySettings.objects.count() <= 1


def test_nav_shows_the_entry_to_manager_only(world, client_as):
    assert 'href="/settings/policy/"' in client_as(world.manager).get("/").content.decode()
    assert 'href="/settings/policy/"' not in client_as(world.specialist).get("/").content.decode()
