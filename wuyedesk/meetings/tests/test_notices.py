"""Internal notices (AST-5): to a department's or a community's staff; on their homes until
read; the sender sees who has read it and who has not."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuyedesk.audit.models import AuditEntry
from wuyedesk.meetings import notices
from wuyedesk.meetings.models import Notice
from wuyedesk.notifications.models import Notification


def test_a_notice_reaches_the_department_and_stays_on_homes_until_read(
    world, client_as, django_capture_on_commit_callbacks
):
    client = client_as(world.assistant)
    bad = client.post(reverse("meetings:notice_create"), {"title": "消防演练", "body": ""})
    assert 'value="消防演练"' in bad.content.decode() and not Notice.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:notice_create"),
            {
                "title": "消防演练",
                "body": "周五下午三点全员参加",
                "department": world.engineering.pk,
            },
        )
    notice = Notice.objects.get()
    assert response["Location"] == reverse("meetings:notice_detail", args=[notice.pk])
    assert list(notice.recipients.values_list("user__username", flat=True)) == ["worker"]
    assert Notification.objects.filter(user=world.worker, kind="notice").exists()
    assert AuditEntry.objects.filter(object_type="meetings.notice", action="create").exists()

    worker = client_as(world.worker)
    home = worker.get("/").content.decode()
    assert "消防演练" in home and 'data-figure="unread_notices" data-count="1"' in home
    listing = worker.get(reverse("meetings:notice_list") + "?unread=1").content.decode()
    assert listing.count("<tr data-row>") == 1
    worker.post(reverse("meetings:notice_read", args=[notice.pk]))
    assert "消防演练" not in worker.get("/").content.decode()

    page = client_as(world.assistant).get(reverse("meetings:notice_detail", args=[notice.pk]))
    assert "赵师傅" in page.content.decode().split('id="read"')[1].split("</ul>")[0]


def test_receipts_show_who_has_not_read(world, client_as):
    notice = notices.notice_create(
        by=world.manager, title="交接班", body="按时交接", community=world.a
    )
    page = client_as(world.manager).get(reverse("meetings:notice_detail", args=[notice.pk]))
    unread = page.content.decode().split('id="unread"')[1].split("</ul>")[0]
    assert "刘专员" in unread and "陈助理" in unread
    # A recipient sees the notice, not the receipts; another community's staff not at all.
    page = client_as(world.specialist).get(reverse("meetings:notice_detail", args=[notice.pk]))
    assert 'id="receipts"' not in page.content.decode()
    assert (
        client_as(world.specialist_b)
        .get(reverse("meetings:notice_detail", args=[notice.pk]))
        .status_code
        == 404
    )


def test_who_may_send_and_to_whom(world):
    with pytest.raises(PermissionDenied):
        notices.notice_create(by=world.specialist, title="x", body="y", community=world.a)
    with pytest.raises(ValidationError) as error:
        notices.notice_create(by=world.manager, title="x", body="y", community=world.b)
    assert "community" in error.value.message_dict
    with pytest.raises(ValidationError):
        notices.notice_create(by=world.manager, title="x", body="y")
    notice = notices.notice_create(by=world.manager, title="x", body="y", community=world.a)
    with pytest.raises(PermissionDenied):  # the sender has no receipt to give
        notices.notice_read(by=world.manager, notice=notice)
    first = notices.notice_read(by=world.specialist, notice=notice).read_at
    assert notices.notice_read(by=world.specialist, notice=notice).read_at == first
