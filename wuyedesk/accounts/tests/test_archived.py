"""Archived staff and residents (#11 point 7): refused with 401 on every endpoint with every
token they held; archiving revokes their tokens and ends their sessions."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from wuyedesk.accounts.models import ApiToken, Staff
from wuyedesk.accounts.services import token_create
from wuyedesk.properties.models import Resident
from wuyedesk.testing import PASSWORD

# Endpoints of several apps that the specialist may read while in service.
TOKEN_ENDPOINTS = [
    "/api/v1/auth/tokens",
    "/api/v1/communities",
    "/api/v1/residents",
    "/api/v1/tickets",
    "/api/v1/staff",
    "/api/v1/surveys/campaigns",
]


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


def assert_401(response):
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "unauthorized"


@pytest.fixture
def logged_in(world):
    """The specialist with two API tokens and a session of their own."""
    raws = [token_create(user=world.specialist, name=name)[1] for name in ("api", "crm")]
    browser = Client()
    assert browser.post("/login/", {"username": "specialist", "password": PASSWORD}).status_code
    assert browser.get("/").status_code == 200
    return raws, browser


def test_before_archiving_the_tokens_answer(world, client, logged_in):
    raws, _browser = logged_in
    for raw in raws:
        for path in TOKEN_ENDPOINTS:
            assert client.get(path, headers=bearer(raw)).status_code == 200, path


def test_archiving_by_the_api_refuses_every_token_with_401_everywhere(
    world, client, api_as, logged_in, django_capture_on_commit_callbacks
):
    raws, browser = logged_in
    staff = Staff.objects.get(user=world.specialist)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.admin).post(f"/api/v1/staff/{staff.pk}/archive")
    assert response.status_code == 200

    for raw in raws:
        for path in TOKEN_ENDPOINTS:
            assert_401(client.get(path, headers=bearer(raw)))
        token_id = ApiToken.objects.filter(user=world.specialist).first().pk
        assert_401(client.delete(f"/api/v1/auth/tokens/{token_id}", headers=bearer(raw)))
        assert_401(client.get("/api/v1/portal/me", headers=bearer(raw)))
    assert not ApiToken.objects.filter(user=world.specialist, revoked_at__isnull=True).exists()
    # The session is gone: the browser is sent to the login page.
    assert sessions_of(world.specialist) == 0
    assert browser.get("/")["Location"].startswith("/login/")


def test_archiving_on_the_page_revokes_tokens_and_sessions_too(world, client, client_as, logged_in):
    raws, browser = logged_in
    staff = Staff.objects.get(user=world.specialist)

    response = client_as(world.admin).post(f"/staff/{staff.pk}/archive/")
    assert response.status_code == 302

    assert_401(Client().get("/api/v1/auth/tokens", headers=bearer(raws[0])))
    assert ApiToken.objects.filter(user=world.specialist, revoked_at__isnull=True).count() == 0
    assert browser.get("/tickets/")["Location"].startswith("/login/")


def test_a_token_of_staff_archived_without_the_hook_is_refused_all_the_same(
    world, client, logged_in
):
    """A record archived before archiving revoked tokens (or by SQL) keeps live tokens in
    the table: they must not open anything."""
    raws, browser = logged_in
    Staff.objects.filter(user=world.specialist).update(archived_at=timezone.now())

    for raw in raws:
        for path in TOKEN_ENDPOINTS:
            assert_401(client.get(path, headers=bearer(raw)))
    assert browser.get("/")["Location"].startswith("/login/")


def test_archived_staff_get_no_new_token_and_no_session(world, client, logged_in):
    Staff.objects.filter(user=world.specialist).update(archived_at=timezone.now())

    response = client.post(
        "/api/v1/auth/token",
        {"username": "specialist", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
    page = client.post("/login/", {"username": "specialist", "password": PASSWORD})
    assert page.status_code == 200 and "账号或密码不正确" in page.content.decode()


def test_restoring_does_not_bring_the_old_tokens_back(world, client, client_as, logged_in):
    raws, _browser = logged_in
    staff = Staff.objects.get(user=world.specialist)
    admin = client_as(world.admin)
    admin.post(f"/staff/{staff.pk}/archive/")
    admin.post(f"/staff/{staff.pk}/archive/", {"restore": "1"})

    staff.refresh_from_db()
    assert staff.archived_at is None
    assert_401(client.get("/api/v1/auth/tokens", headers=bearer(raws[0])))


def test_other_staff_keep_their_tokens(world, client, api_as, logged_in):
    _token, raw = token_create(user=world.manager, name="mine")
    staff = Staff.objects.get(user=world.specialist)
    api_as(world.admin).post(f"/api/v1/staff/{staff.pk}/archive")

    assert client.get("/api/v1/auth/tokens", headers=bearer(raw)).status_code == 200


def test_an_archived_residents_portal_tokens_and_session_are_refused(
    world, client, api_as, django_capture_on_commit_callbacks
):
    _token, raw = token_create(user=world.resident, name="portal")
    browser = Client()
    browser.post("/portal/login/", {"mobile": "13812345678", "password": PASSWORD})
    assert browser.get("/portal/").status_code == 200
    assert client.get("/api/v1/portal/me", headers=bearer(raw)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.manager).post(f"/api/v1/residents/{world.resident_a.pk}/archive")
    assert response.status_code == 200
    assert sessions_of(world.resident) == 0

    assert_401(client.get("/api/v1/portal/me", headers=bearer(raw)))
    assert_401(client.get("/api/v1/portal/tickets", headers=bearer(raw)))
    assert not ApiToken.objects.filter(user=world.resident, revoked_at__isnull=True).exists()
    assert browser.get("/portal/")["Location"].startswith("/portal/login/")


def test_a_resident_archived_without_the_hook_is_refused_too(world, client):
    _token, raw = token_create(user=world.resident, name="portal")
    browser = Client()
    browser.post("/portal/login/", {"mobile": "13812345678", "password": PASSWORD})
    Resident.objects.filter(pk=world.resident_a.pk).update(archived_at=timezone.now())

    assert_401(client.get("/api/v1/portal/me", headers=bearer(raw)))
    assert browser.get("/portal/")["Location"].startswith("/portal/login/")


def test_an_inactive_account_is_refused(world, client):
    _token, raw = token_create(user=world.manager, name="x")
    world.manager.is_active = False
    world.manager.save()

    assert_401(client.get("/api/v1/auth/tokens", headers=bearer(raw)))
