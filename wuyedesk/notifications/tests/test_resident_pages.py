"""The resident's notification pages in the portal and the /api/v1/notifications endpoints."""

import pytest

from wuyedesk.notifications.models import Notification, ResidentPreference


@pytest.fixture
def portal(client):
    def login(user):
        client.force_login(user, backend="wuyedesk.accounts.backends.ResidentPhoneBackend")
        return client

    return login


def test_resident_sees_own_notices_and_they_become_read(
    world, call, portal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
    page = portal(world.resident).get("/portal/notifications/")
    assert page.status_code == 200
    assert ticket.number in page.content.decode()
    assert not Notification.objects.filter(user=world.resident, read_at__isnull=True).exists()


def test_notice_pages_are_for_residents_only(world, client_as):
    assert client_as(world.specialist).get("/portal/notifications/").status_code == 403
    assert client_as(world.specialist).get("/portal/notifications/preferences/").status_code == 403


def test_preferences_defaults_and_save(world, portal):
    client = portal(world.resident)
    response = client.get("/portal/notifications/preferences/")
    form = response.context["form"]
    assert form.initial == {"portal": True, "email": False, "webhook": False}  # no e-mail on file
    response = client.post("/portal/notifications/preferences/", {"portal": ""})
    assert response.status_code == 302
    pref = ResidentPreference.objects.get(resident=world.resident_a)
    assert (pref.portal, pref.email, pref.webhook) == (False, False, False)
    # The portal's link by name leads here.
    assert client.get("/notifications/preferences/").url == "/portal/notifications/preferences/"


def test_email_without_address_and_webhook_without_gateway_are_refused(world, portal):
    client = portal(world.resident)
    response = client.post(
        "/portal/notifications/preferences/", {"portal": "on", "email": "on", "webhook": "on"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors and "webhook" in errors
    assert response.context["form"]["portal"].value() is True  # what was chosen stays
    assert not ResidentPreference.objects.exists()


def test_preferences_api(world, api_as, client, settings):
    api = api_as(world.resident)

    def put(path, data):
        return client.put(path, data, content_type="application/json", headers=api.headers)

    api.client_put = put
    body = api.get("/api/v1/notifications/preferences").json()
    assert body == {
        "portal": True,
        "email": False,
        "webhook": False,
        "email_available": False,
        "webhook_available": False,
    }
    response = api.client_put(
        "/api/v1/notifications/preferences", {"portal": True, "email": True, "webhook": False}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "email" and response.json()["code"] == "no_email"
    settings.NOTIFY_WEBHOOK_URL = "https://sms.example.com/hook"
    response = api.client_put(
        "/api/v1/notifications/preferences", {"portal": False, "email": False, "webhook": True}
    )
    assert response.status_code == 200
    assert response.json()["webhook"] is True and response.json()["portal"] is False
    assert api_as(world.specialist).get("/api/v1/notifications/preferences").status_code == 403


def test_notices_api_lists_own_only(world, call, api_as, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call()
    Notification.objects.create(user=world.specialist, kind="x", text="staff only")
    items = api_as(world.resident).get("/api/v1/notifications/mine").json()["items"]
    assert [ticket.number in i["text"] for i in items] == [True]


def test_webhook_settings_are_checked(settings):
    from wuyedesk.notifications.apps import check_webhook_settings

    settings.NOTIFY_WEBHOOK_URL = ""
    assert check_webhook_settings() == []
    settings.NOTIFY_WEBHOOK_URL, settings.NOTIFY_WEBHOOK_SECRET = "ftp://x", "s"
    assert [p.id for p in check_webhook_settings()] == ["notifications.E001"]
    settings.NOTIFY_WEBHOOK_URL, settings.PRODUCTION = "http://sms.example.com", True
    assert [p.id for p in check_webhook_settings()] == ["notifications.E002"]
    settings.NOTIFY_WEBHOOK_URL, settings.NOTIFY_WEBHOOK_SECRET = "https://sms.example.com", ""
    assert [p.id for p in check_webhook_settings()] == ["notifications.W001"]
