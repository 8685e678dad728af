from wuyedesk.notifications.models import Notification


def notifications_of(user):
    return Notification.objects.filter(user=user)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_badge(user, cap: int = 99) -> int:
    """Unread notifications for the navbar, counted no further than `cap`+1 (one cheap query:
    the (user, read_at) index answers it without reading a long history)."""
    return (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .order_by()
        .values("pk")[: cap + 1]
        .count()
    )


def notification_get_for_user(user, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification, user=user, pk=pk)
