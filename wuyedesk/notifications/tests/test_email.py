"""Notification e-mail through a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from wuyedesk.notifications.models import Notification
from wuyedesk.notifications.services import notify


def test_notification_email_arrives_once(world, smtp, django_capture_on_commit_callbacks):
    world.manager.email = "manager@example.cn"
    world.manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[world.manager],
            kind="overdue",
            text="工单 20261127-0001 已超时",
            link="/tickets/1/",
            key="overdue:1",
            email=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[world.manager],
            kind="overdue",
            text="工单 20261127-0001 已超时",
            link="/tickets/1/",
            key="overdue:1",
            email=True,
        )
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "manager@example.cn"
    body = message.get_payload(decode=True).decode()
    assert "20261127-0001" in body and "/tickets/1/" in body
    assert Notification.objects.get().emailed_at is not None


def test_no_address_no_mail(world, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.specialist], kind="x", text="t", key="k", email=True)
    assert smtp.messages == []
