"""The pages of policy documents (issue #14): the settings in force, a revision walked
through the version page, the diff, read and acknowledge, the home notices."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from wuyedesk.notifications.models import Notification
from wuyedesk.policies.choices import VersionStatus
from wuyedesk.policies.models import PolicyVersion
from wuyedesk.policies.services import policy, regulation, versions
from wuyedesk.testing import policy_in_force

SETTINGS = "/settings/policy/"


def draft_settings_url(manager) -> str:
    """The settings page of the regulation's draft (opened through "propose a change")."""
    draft = versions.draft_open(by=manager, document=regulation())
    return f"/policies/versions/{draft.pk}/settings/"


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _settings_form(page: str) -> dict:
    """The values a draft's settings page shows, as a browser would post them back."""
    data = {}
    for name, value in re.findall(
        r'<input type="(?:number|hidden|text|time)" name="(\w+)" value="([^"]*)"', page
    ):
        data[name] = value
    for name in re.findall(r'<input type="checkbox" name="(\w+)"[^>]*checked', page):
        data.setdefault(name, "on")
    data["complaint_notify_severities"] = re.findall(
        r'name="complaint_notify_severities" value="(\w+)"[^>]*checked', page
    )
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        data[name] = re.search(r'<option value="([^"]*)"[^>]*selected', options).group(1)
    return data


@pytest.mark.parametrize("persona", ["manager", "admin", "executive"])
def test_settings_page_shows_values_and_the_version_that_set_them(world, client_as, persona):
    version = policy_in_force(inquiry_follow_up_hours=12)
    page = client_as(getattr(world, persona)).get(SETTINGS).content.decode()
    row = re.search(r'<tr data-field="inquiry_follow_up_hours">(.*?)</tr>', page, re.S).group(1)
    assert "12" in row and f"/policies/versions/{version.pk}/" in row
    untouched = re.search(r'<tr data-field="return_visit_hours">(.*?)</tr>', page, re.S).group(1)
    assert f"/policies/versions/{version.pk}/" not in untouched  # set by version 1
    assert 'id="policy-history"' in page
    assert ('id="propose"' in page) == (persona == "manager")


def test_settings_page_has_no_direct_save(world, client_as):
    client = client_as(world.manager)
    response = client.post(SETTINGS, {"inquiry_follow_up_hours": "1"})
    assert response.status_code == 405
    assert policy().inquiry_follow_up_hours == 24


@pytest.mark.parametrize("persona", ["specialist", "assistant", "worker", "supervisor"])
def test_settings_page_forbidden_to_other_posts(world, client_as, persona):
    assert client_as(getattr(world, persona)).get(SETTINGS).status_code == 403


def _own_client(user):
    client = Client()
    client.force_login(user, backend="wuyedesk.accounts.backends.StaffBackend")
    return client


def test_revision_through_the_pages(world):
    manager, executive, worker = (
        _own_client(world.manager),
        _own_client(world.executive),
        _own_client(world.worker),
    )
    document = regulation()
    response = manager.post(f"/policies/{document.pk}/propose/")
    draft = PolicyVersion.objects.get(status=VersionStatus.DRAFT)
    assert response["Location"] == f"/policies/versions/{draft.pk}/edit/"
    settings_url = f"/policies/versions/{draft.pk}/settings/"
    data = _settings_form(manager.get(settings_url).content.decode())
    bad = manager.post(settings_url, data | {"inquiry_follow_up_hours": "0"})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    assert manager.post(settings_url, data | {"inquiry_follow_up_hours": "12"}).status_code == 302
    new_section = f"/policies/versions/{draft.pk}/sections/new/"
    body = {"heading": "咨询跟进", "body": "<p>12 小时内跟进</p>", "requirements": "INQ-4"}
    assert manager.post(new_section, body).status_code == 302
    url = f"/policies/versions/{draft.pk}/"
    consult = {"action": "consult", "consult-departments": [world.engineering.pk]}
    assert manager.post(url, consult).status_code == 302
    section = draft.sections.get()
    comment = {"action": "comment", "comment-section": section.pk, "comment-body": "工程部同意"}
    assert worker.post(url, comment).status_code == 302
    assert "工程部同意" in manager.get(url).content.decode()
    assert manager.post(url, {"action": "submit", "submit-comment": "请审批"}).status_code == 302
    assert "1 个制度修订待您审批" in executive.get("/").content.decode()
    page = executive.post(url, {"action": "return", "return-comment": ""})
    assert page.status_code == 200 and "退回时请写明修改意见" in page.content.decode()
    assert executive.post(url, {"action": "return", "return-comment": "补充"}).status_code == 302
    edit = f"/policies/versions/{draft.pk}/sections/{section.pk}/"
    assert manager.post(edit, body | {"body": "<p>12 小时内跟进,夜间次日</p>"}).status_code == 302
    assert manager.post(url, {"action": "submit"}).status_code == 302
    past = {
        "action": "approve",
        "approve-effective_at": _local(timezone.now() - dt.timedelta(days=1)),
    }
    page = executive.post(url, past)
    assert page.status_code == 200 and "生效时间不能早于现在" in page.content.decode()
    assert PolicyVersion.objects.get(pk=draft.pk).status == VersionStatus.SUBMITTED
    assert (
        manager.post(
            url,
            {
                "action": "approve",
                "approve-effective_at": _local(timezone.now() + dt.timedelta(hours=1)),
            },
        ).status_code
        == 403
    )
    future = timezone.now() + dt.timedelta(hours=1)
    assert (
        executive.post(
            url, {"action": "approve", "approve-effective_at": _local(future)}
        ).status_code
        == 302
    )
    assert PolicyVersion.objects.get(pk=draft.pk).status == VersionStatus.APPROVED
    assert manager.get(edit).status_code == 200
    refused = manager.post(edit, body | {"body": "<p>改</p>"})
    assert "只读" in refused.content.decode()


def test_diff_page_shows_changed_section_and_setting(world, client_as):
    version = policy_in_force(inquiry_follow_up_hours=12)
    page = (
        client_as(world.specialist)
        .get(f"/policies/{version.document_id}/diff/?a={version.based_on_id}&b={version.pk}")
        .content.decode()
    )
    assert 'data-field="inquiry_follow_up_hours"' in page
    assert "<del>24</del>" in page and "<ins>12</ins>" in page
    assert 'data-state="added"' in page  # the helper's section, new in this version


def test_drafts_are_hidden_from_staff(world, client_as):
    draft = versions.draft_open(by=world.manager, document=regulation())
    assert client_as(world.specialist).get(f"/policies/versions/{draft.pk}/").status_code == 404
    assert client_as(world.executive).get(f"/policies/versions/{draft.pk}/").status_code == 200
    assert (
        client_as(world.specialist).get(f"/policies/versions/{draft.pk}/edit/").status_code == 404
    )


def test_every_concerned_staff_member_sees_the_notice_until_acknowledged(
    world, client_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = policy_in_force(inquiry_follow_up_hours=12)
    concerned = ["manager", "specialist", "assistant", "supervisor", "specialist_b"]
    for persona in concerned:
        page = client_as(getattr(world, persona)).get("/").content.decode()
        assert 'id="policy-ack-notice"' in page, persona
    for persona in ("worker", "executive", "admin"):
        page = client_as(getattr(world, persona)).get("/").content.decode()
        assert 'id="policy-ack-notice"' not in page, persona
    assert Notification.objects.filter(kind="policy_in_force", user=world.specialist).exists()
    specialist = client_as(world.specialist)
    url = f"/policies/versions/{version.pk}/"
    assert specialist.post(url, {"action": "acknowledge"}).status_code == 302
    assert 'id="policy-ack-notice"' not in specialist.get("/").content.decode()
    manager = _own_client(world.manager)
    page = manager.get(f"{url}acknowledgements/").content.decode()
    outstanding = page.split('id="ack-outstanding"')[1].split("</table>")[0]
    done = page.split('id="ack-done"')[1].split("</table>")[0]
    assert "刘专员" in done and "刘专员" not in outstanding
    assert "陈助理" in outstanding and "B专员" in outstanding and "赵师傅" not in outstanding
    with django_capture_on_commit_callbacks(execute=True):
        assert manager.post(url, {"action": "remind"}).status_code == 302
    assert Notification.objects.filter(kind="policy_ack", user=world.assistant).count() == 1
    assert not Notification.objects.filter(kind="policy_ack", user=world.specialist).exists()
    assert client_as(world.specialist).get(f"{url}acknowledgements/").status_code == 403
    assert client_as(world.worker).post(url, {"action": "acknowledge"}).status_code == 403


def test_menu_reaches_documents_and_settings(world, client_as):
    manager = client_as(world.manager).get("/").content.decode()
    assert 'href="/policies/"' in manager and 'href="/settings/policy/"' in manager
    executive = client_as(world.executive).get("/").content.decode()
    assert 'href="/policies/"' in executive and 'href="/settings/policy/"' in executive
    specialist = client_as(world.specialist).get("/").content.decode()
    assert 'href="/policies/"' in specialist and 'href="/settings/policy/"' not in specialist


def test_document_list_and_detail(world, client_as):
    policy_in_force(inquiry_follow_up_hours=12)
    client = client_as(world.specialist)
    page = client.get("/policies/").content.decode()
    assert "客户服务管理制度" in page
    detail = client.get(f"/policies/{regulation().pk}/").content.decode()
    assert 'id="policy-versions"' in detail and 'id="propose"' not in detail
