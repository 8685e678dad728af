"""The notification centre, the unread badge and the manager's banner of severe tickets."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.notifications.models import Notification
from wuyedesk.notifications.services import notify


def _notify(user, n=1, link="/tickets/"):
    for i in range(n):
        notify(users=[user], kind="test", text=f"通知{i}", link=link)


def test_list_shows_only_my_notifications(world, client_as):
    _notify(world.specialist, 2)
    notify(users=[world.assistant], kind="test", text="别人的通知")
    page = client_as(world.specialist).get("/notifications/").content.decode()
    assert "通知0" in page and "通知1" in page and "别人的通知" not in page


def test_mark_one_read_and_follow_its_link(world, client_as):
    _notify(world.specialist, 2, link="/tickets/?queue=overdue")
    first = Notification.objects.filter(user=world.specialist).order_by("id").first()
    client = client_as(world.specialist)
    response = client.post(f"/notifications/{first.pk}/read/", {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/tickets/?queue=overdue"
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(user=world.specialist, read_at__isnull=True).count() == 1
    response = client.post(f"/notifications/{first.pk}/read/")
    assert response["Location"] == "/notifications/"


def test_link_to_another_site_is_not_followed(world, client_as):
    _notify(world.specialist, link="https://evil.example/")
    n = Notification.objects.get()
    response = client_as(world.specialist).post(f"/notifications/{n.pk}/read/", {"go": "1"})
    assert response["Location"] == "/notifications/"


def test_mark_all_read(world, client_as):
    _notify(world.specialist, 3)
    _notify(world.assistant, 1)
    client = client_as(world.specialist)
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(user=world.specialist, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.assistant, read_at__isnull=True).count() == 1
    unread = client.get("/notifications/?unread=1").content.decode()
    assert "没有通知" in unread


def test_someone_elses_notification_is_not_found(world, client_as):
    _notify(world.assistant)
    n = Notification.objects.get()
    assert client_as(world.specialist).post(f"/notifications/{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_read_needs_post(world, client_as):
    _notify(world.specialist)
    n = Notification.objects.get()
    assert client_as(world.specialist).get(f"/notifications/{n.pk}/read/").status_code == 405


def test_unread_badge_in_the_navbar(world, client_as):
    client = client_as(world.specialist)
    assert 'id="unread-badge"' not in client.get("/").content.decode()
    _notify(world.specialist, 3)
    page = client.get("/").content.decode()
    assert 'id="unread-badge">3<' in page.replace("\n", "").replace(" ", "")
    _notify(world.specialist, 100)
    assert "99+" in client.get("/").content.decode()


def test_badge_is_one_bounded_query_kept_until_notified_or_read(world, client_as):
    client = client_as(world.specialist)
    _notify(world.specialist, 2)
    client.get("/notifications/")  # the person's posts, scope and badge are kept after a visit
    with CaptureQueriesContext(connection) as kept:
        client.get("/notifications/")
    _notify(world.specialist, 60)
    with CaptureQueriesContext(connection) as counted:
        page = client.get("/notifications/").content.decode()
    assert 'id="unread-badge">62<' in page.replace("\n", "").replace(" ", "")
    assert len(counted.captured_queries) == len(kept.captured_queries) + 1
    badge = [
        q["sql"]
        for q in counted.captured_queries
        if "notifications_notification" in q["sql"] and "COUNT" in q["sql"].upper()
    ]
    assert len(badge) == 1 and "LIMIT 100" in badge[0]  # bounded, whatever the count
    client.post("/notifications/read-all/")
    assert 'id="unread-badge"' not in client.get("/").content.decode()


def test_resident_and_anonymous_are_kept_out(world, client):
    assert client.get("/notifications/").status_code == 302
    client.force_login(world.resident, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")
    assert client.get("/notifications/").status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403


# --- banner ---------------------------------------------------------------------------------


def test_banner_shows_for_the_manager_until_acknowledged(world, call, categories, client_as):
    manager = client_as(world.manager)
    assert 'id="severe-banner"' not in manager.get("/").content.decode()
    ticket = call(
        kind="repair", severity="emergency", category=categories["LIFT"], description="电梯困人"
    )
    for url in ("/", "/tickets/", "/residents/", "/notifications/"):
        page = manager.get(url).content.decode()
        assert 'id="severe-banner"' in page and ticket.number in page, url
    assert 'id="severe-banner"' not in client_as(world.specialist).get("/").content.decode()
    manager = client_as(world.manager)  # client_as logs the one test client in as someone else
    response = manager.post(f"/tickets/{ticket.pk}/acknowledge/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.manager_acknowledged_at is not None
    assert 'id="severe-banner"' not in manager.get("/").content.decode()


def test_banner_counts_many_and_names_a_few(world, call, categories, client_as):
    for i in range(5):
        call(
            kind="complaint",
            severity="major",
            category=categories["ATTITUDE"],
            description=f"重大{i}",
        )
    page = client_as(world.manager).get("/").content.decode()
    assert "5 条重大投诉/突发事件待您确认" in page
    assert page.count('/acknowledge/"') == 3


def test_banner_is_scoped_to_the_managers_communities(world, categories, client_as):
    from wuyedesk.tickets.services import ticket_create

    ticket_create(
        by=world.specialist_b,
        kind="repair",
        channel="phone",
        category=categories["LIFT"],
        title="",
        description="B 小区电梯困人",
        severity="emergency",
        room=world.rooms_b[0],
    )
    assert 'id="severe-banner"' not in client_as(world.manager).get("/").content.decode()


def test_nav_links(world, client_as):
    page = client_as(world.specialist).get("/").content.decode()
    for href in (
        'href="/tickets/"',
        'href="/tickets/new/"',
        'href="/knowledge/"',
        'href="/notifications/"',
    ):
        assert href in page, href
    worker = client_as(world.worker).get("/").content.decode()
    assert 'href="/tickets/"' in worker and 'href="/tickets/new/"' not in worker
    intake = client_as(world.specialist).get("/tickets/new/").content.decode()
    active = intake[intake.index('aria-current="page"') - 120 : intake.index('aria-current="page"')]
    assert "nav-link active" in active
    assert intake.count('aria-current="page"') == 1
