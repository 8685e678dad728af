"""An announcement can be corrected and withdrawn (issue #12 point 9): by an announcer of its
community, with the reason kept; a withdrawn one leaves the portal at once and its e-mail is
not sent if it had not gone out; an e-mail already sent is never sent again."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.channels.models import Announcement
from wuyedesk.channels.services import (
    announcement_create,
    announcement_update,
    announcement_withdraw,
    announcements_send_due,
)

API = "/api/v1/portal"


def _write(world, **extra):
    return announcement_create(
        by=world.specialist, community=world.a, title="明日停水", body="9:00-17:00 停水。", **extra
    )


def _mail(world):
    world.resident_a.email = "zhangwei@example.com"
    world.resident_a.save()


def test_a_correction_shows_on_the_portal_and_is_not_mailed_again(
    world, client_as, portal_as, smtp, django_capture_on_commit_callbacks
):
    _mail(world)
    with django_capture_on_commit_callbacks(execute=True):
        announcement = _write(world)
    assert len(smtp.to("zhangwei@example.com")) == 1
    staff = client_as(world.specialist)
    form = staff.get(f"/portal/staff/announcements/{announcement.pk}/edit/").content.decode()
    assert "明日停水" in form and "不会重发邮件" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/portal/staff/announcements/{announcement.pk}/edit/",
            {"community": world.a.pk, "title": "明日停水(改期)", "body": "改为 13:00-17:00。"},
        )
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "明日停水(改期)" and announcement.updated_at is not None
    assert len(smtp.to("zhangwei@example.com")) == 1  # not sent twice
    entry = AuditEntry.objects.filter(object_id=announcement.pk, action="update").get()
    assert "title" in entry.changes
    staff.logout()
    home = portal_as(world.resident).get("/portal/").content.decode()
    assert "明日停水(改期)" in home


def test_withdrawing_hides_it_and_stops_its_unsent_mail(world, client_as, portal_as, smtp):
    _mail(world)
    later = timezone.now() + dt.timedelta(hours=2)
    announcement = _write(world, publish_at=later)
    staff = client_as(world.specialist)
    page = staff.get(f"/portal/staff/announcements/{announcement.pk}/withdraw/").content.decode()
    assert "也不会再发送邮件" in page
    empty = staff.post(f"/portal/staff/announcements/{announcement.pk}/withdraw/", {"reason": ""})
    assert empty.status_code == 422
    assert Announcement.objects.get().withdrawn_at is None
    done = staff.post(
        f"/portal/staff/announcements/{announcement.pk}/withdraw/", {"reason": "检修取消"}
    )
    assert done.status_code == 302
    listed = staff.get("/portal/staff/announcements/").content.decode()
    assert "已撤回" in listed and "检修取消" in listed
    Announcement.objects.filter(pk=announcement.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert announcements_send_due() == 0 and smtp.messages == []
    staff.logout()
    resident = portal_as(world.resident)
    assert "明日停水" not in resident.get("/portal/").content.decode()
    assert resident.get(f"/portal/announcements/{announcement.pk}/").status_code == 404
    assert "检修取消" not in resident.get("/portal/").content.decode()


def test_a_withdrawn_announcement_cannot_change(world):
    announcement = _write(world)
    announcement_withdraw(by=world.manager, announcement=announcement, reason="发错了")
    with pytest.raises(ValidationError) as refused:
        announcement_update(
            by=world.specialist,
            announcement=announcement,
            community=world.a,
            title="新标题",
            body="新内容",
        )
    assert refused.value.code == "withdrawn"
    with pytest.raises(ValidationError):
        announcement_withdraw(by=world.manager, announcement=announcement, reason="再撤一次")
    assert Announcement.objects.get().title == "明日停水"


def test_out_of_scope_and_wrong_posts_cannot_change(world, client_as):
    announcement = _write(world)
    for user in (world.specialist_b, world.worker):
        client = client_as(user)
        url = f"/portal/staff/announcements/{announcement.pk}"
        assert client.get(f"{url}/edit/").status_code in (403, 404)
        assert client.post(f"{url}/withdraw/", {"reason": "x"}).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        announcement_withdraw(by=world.specialist_b, announcement=announcement, reason="x")
    assert Announcement.objects.get().withdrawn_at is None


def test_bad_input_keeps_the_form_and_changes_nothing(world, client_as):
    announcement = _write(world)
    response = client_as(world.specialist).post(
        f"/portal/staff/announcements/{announcement.pk}/edit/",
        {"community": world.a.pk, "title": "", "body": "留下的正文"},
    )
    assert response.status_code == 422 and "留下的正文" in response.content.decode()
    assert Announcement.objects.get().body == "9:00-17:00 停水。"


def test_a_published_announcements_date_stays(world):
    announcement = _write(world)
    published = announcement.publish_at
    announcement_update(
        by=world.specialist,
        announcement=announcement,
        community=world.a,
        title="明日停水",
        body="更正:9:00-16:00 停水。",
        publish_at=timezone.now() + dt.timedelta(days=3),
    )
    assert Announcement.objects.get().publish_at == published


def test_the_api_corrects_and_withdraws(world, api_as):
    announcement = _write(world)
    specialist = api_as(world.specialist)
    url = f"{API}/staff/announcements/{announcement.pk}"
    changed = specialist.put(url, {"community": world.a.pk, "title": "改后", "body": "改后正文"})
    assert changed.status_code == 200 and changed.json()["updated_at"]
    bad = specialist.put(url, {"community": world.a.pk, "title": "", "body": "x"})
    assert bad.status_code == 422 and bad.json()["field"] == "title"
    outsider = api_as(world.specialist_b).post(f"{url}/withdraw", {"reason": "x"})
    assert outsider.status_code == 404
    assert specialist.post(f"{url}/withdraw", {"reason": ""}).status_code == 422
    withdrawn = specialist.post(f"{url}/withdraw", {"reason": "发错小区"})
    assert withdrawn.status_code == 200 and withdrawn.json()["withdraw_reason"] == "发错小区"
    again = specialist.put(url, {"community": world.a.pk, "title": "再改", "body": "x"})
    assert again.status_code == 422 and again.json()["code"] == "withdrawn"
    assert Announcement.objects.get().title == "改后"
