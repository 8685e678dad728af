from wuyedesk.core import versions
from wuyedesk.notifications.models import Notification

UNREAD_KEEP_SECONDS = 60


def notifications_of(user):
    return Notification.objects.filter(user=user)


def unread_badge(user, cap: int = 99) -> int:
    """Unread notifications for the navbar, counted no further than `cap`+1 (one cheap query:
    the (user, read_at) index answers it without reading a long history). On every page:
    cached until the person is notified or reads (core/versions.py)."""
    return versions.cached(
        unread_version(user.pk),
        str(cap),
        lambda: (
            Notification.objects.filter(user=user, read_at__isnull=True)
            .order_by()
            .values("pk")[: cap + 1]
            .count()
        ),
        UNREAD_KEEP_SECONDS,
    )


def unread_version(user_id: int) -> str:
    """The version name of a person's unread notifications (bumped by services)."""
    return f"unread:{user_id}"


def notification_get_for_user(user, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification, user=user, pk=pk)
