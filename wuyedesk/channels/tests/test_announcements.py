"""Announcements to a community or a building: written by its staff, shown on the portal to
the residents of that scope, e-mailed once to each of them (issue #4 §1)."""

import datetime as dt

from django.utils import timezone

from wuyedesk.channels.models import Announcement
from wuyedesk.channels.services import announcement_create, announcements_send_due


def _emails(world, neighbour):
    world.resident_a.email = "zhangwei@example.com"
    world.resident_a.save()
    neighbour.resident.email = "wangfang@example.com"
    neighbour.resident.save()
    world.resident_b.email = "lina@example.com"
    world.resident_b.save()


def test_specialist_writes_to_the_community_residents_see_it_and_get_one_mail(
    world, client_as, portal_as, neighbour, smtp, django_capture_on_commit_callbacks
):
    _emails(world, neighbour)
    staff = client_as(world.specialist)
    assert staff.get("/portal/staff/announcements/new/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            "/portal/staff/announcements/new/",
            {
                "community": world.a.pk,
                "title": "明日停水通知",
                "body": "因管道检修,明日9:00-17:00停水。",
                "publish_at": "",
            },
        )

    assert response.status_code == 302
    announcement = Announcement.objects.get()
    assert announcement.emailed_at is not None and announcement.emailed_count == 2
    assert len(smtp.to("zhangwei@example.com")) == 1
    assert len(smtp.to("wangfang@example.com")) == 1
    assert smtp.to("lina@example.com") == []
    assert "明日停水通知" in staff.get("/portal/staff/announcements/").content.decode()
    staff.logout()

    home = portal_as(world.resident).get("/portal/").content.decode()
    assert "明日停水通知" in home
    detail = portal_as(world.resident).get(f"/portal/announcements/{announcement.pk}/")
    assert "管道检修" in detail.content.decode()
    assert announcements_send_due() == 0  # never twice


def test_building_announcement_reaches_only_that_building(world, portal_as, neighbour):
    from wuyedesk.properties.models import Building, Room, Unit
    from wuyedesk.testing import make_resident

    other = Building.objects.create(community=world.a, name="9栋")
    unit = Unit.objects.create(building=other, name="1单元")
    room = Room.objects.create(unit=unit, number="901")
    far = make_resident(room, name="远方", phone="13511112222")
    from wuyedesk.accounts.models import User

    far_user = User.objects.create_user(username="far", kind="resident", resident=far)
    announcement = announcement_create(
        by=world.assistant,
        community=world.a,
        building=world.rooms_a[0].building,
        title="1栋电梯保养",
        body="周三上午电梯保养。",
    )
    assert "1栋电梯保养" in portal_as(world.resident).get("/portal/").content.decode()
    assert "1栋电梯保养" not in portal_as(far_user).get("/portal/").content.decode()
    assert portal_as(far_user).get(f"/portal/announcements/{announcement.pk}/").status_code == 404
    mine = portal_as(world.resident).get(f"/portal/announcements/{announcement.pk}/")
    assert mine.status_code == 200


def test_future_announcement_waits_for_its_time(world, portal_as, neighbour, smtp):
    _emails(world, neighbour)
    later = timezone.now() + dt.timedelta(hours=2)
    announcement = announcement_create(
        by=world.manager, community=world.a, title="下周消防演练", body="请配合。", publish_at=later
    )
    assert "下周消防演练" not in portal_as(world.resident).get("/portal/").content.decode()
    assert announcements_send_due() == 0 and smtp.messages == []

    Announcement.objects.filter(pk=announcement.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert announcements_send_due() == 2
    assert announcements_send_due() == 0
    assert "下周消防演练" in portal_as(world.resident).get("/portal/").content.decode()


def test_out_of_scope_and_wrong_posts_cannot_write(world, client_as):
    outsider = client_as(world.specialist_b)
    response = outsider.post(
        "/portal/staff/announcements/new/",
        {"community": world.a.pk, "title": "x", "body": "y"},
    )
    assert response.status_code == 422 and not Announcement.objects.exists()
    worker = client_as(world.worker)
    assert worker.get("/portal/staff/announcements/new/").status_code == 403


def test_bad_input_keeps_the_form(world, client_as):
    response = client_as(world.specialist).post(
        "/portal/staff/announcements/new/",
        {"community": world.a.pk, "title": "标" * 101, "body": "正文内容"},
    )
    assert response.status_code == 422
    assert "正文内容" in response.content.decode() and not Announcement.objects.exists()
