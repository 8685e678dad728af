"""Staff two-factor login (#11 point 6, MGT-3): enrolment, the second step, recovery codes,
reset by the administrator, API tokens."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wuyedesk.accounts import twofactor
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.services import token_create
from wuyedesk.accounts.tests.two_factor_helpers import next_code, require_two_factor
from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.properties.models import Company
from wuyedesk.testing import PASSWORD

# Pages of every kind a manager uses: none may answer before the second step.
GUARDED = [
    "/",
    "/tickets/",
    "/tickets/new/",
    "/residents/",
    "/staff/",
    "/audit/",
    "/reports/",
    "/account/tokens/",
    "/account/password/",
    "/account/two-factor/",
    "/notifications/",
]


def password_login(client, username):
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator through the page, as a person would; returns it and the
    recovery codes shown."""
    client.get("/account/two-factor/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/account/two-factor/setup/", {"code": next_code(device)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", response.content.decode())
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.fixture
def required(world):
    require_two_factor()
    return world


def test_manager_after_password_alone_is_sent_to_enrolment_from_every_page(client, required):
    password_login(client, "manager")
    for url in GUARDED:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/two-factor/setup/?next="), url
    # A form sent before the second step does nothing.
    before = AuditEntry.objects.count()
    response = client.post("/settings/company/", {"name": "改名"})
    assert response.status_code == 302
    assert Company.objects.get(pk=1).name == "测试物业"
    assert AuditEntry.objects.count() == before


def test_htmx_request_before_the_second_step_loads_the_step_in_full(client, required):
    password_login(client, "manager")
    response = client.get("/tickets/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/account/two-factor/setup/")


def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_recovery_codes(client, required):
    manager = required.manager
    password_login(client, "manager")
    page = client.get("/account/two-factor/setup/?next=/tickets/").content.decode()
    device = TOTPDevice.objects.get(user=manager, confirmed=False)
    assert 'src="data:image/svg+xml' in page  # drawn here, no outside request
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert secret.replace(" ", "") == twofactor.secret_text(device).replace(" ", "")
    # Reloading keeps the same secret (the app may already have scanned it).
    client.get("/account/two-factor/setup/")
    assert TOTPDevice.objects.filter(user=manager).count() == 1

    response = client.post("/account/two-factor/setup/", {"code": "123"})
    assert "请输入 6 位数字" in response.content.decode()
    assert not twofactor.is_enrolled(manager)

    response = client.post(
        "/account/two-factor/setup/", {"code": next_code(device), "next": "/tickets/"}
    )
    page = response.content.decode()
    codes = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", page)
    assert len(codes) == 10 == len(set(codes))
    assert 'href="/tickets/"' in page
    assert "no-store" in response["Cache-Control"]
    # Stored as keyed digests, never as the codes themselves.
    stored = set(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}
    assert AuditEntry.objects.filter(action=AuditAction.OTP_ENROL, object_id=manager.pk).exists()
    # The session is verified: the pages answer.
    assert client.get("/").status_code == 200
    assert client.get("/tickets/").status_code == 200


def test_wrong_enrolment_code_enrols_nothing(client, required):
    password_login(client, "manager")
    client.get("/account/two-factor/setup/")
    response = client.post("/account/two-factor/setup/", {"code": "000000"})
    assert "动态码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=required.manager, confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_second_login_asks_for_the_code_and_audits_each_attempt(client, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's back-off is tested on its own below
    manager = required.manager
    password_login(client, "manager")
    device, _codes = enrol(client, manager)
    client.post("/logout/")

    response = password_login(client, "manager")
    response = client.get(response["Location"])
    assert response["Location"] == "/account/two-factor/verify/?next=%2F"
    for url in GUARDED:
        assert client.get(url)["Location"].startswith("/account/two-factor/verify/"), url

    response = client.post("/account/two-factor/verify/", {"code": "000000", "next": "/"})
    assert response.status_code == 200
    assert "动态码或恢复码不正确" in response.content.decode()
    assert client.get("/").status_code == 302
    failed = AuditEntry.objects.get(action=AuditAction.OTP_FAIL)
    assert failed.actor == manager and failed.changes == {"method": "totp"}

    response = client.post(
        "/account/two-factor/verify/", {"code": next_code(device), "next": "/tickets/"}
    )
    assert response["Location"] == "/tickets/"
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.OTP_PASS, actor=manager).count() == 1


def test_a_wrong_code_slows_the_device_down(client, required):
    """django-otp's throttling: right after a failure even the right code must wait."""
    password_login(client, "manager")
    device, _codes = enrol(client, required.manager)
    client.post("/logout/")
    password_login(client, "manager")
    client.post("/account/two-factor/verify/", {"code": "000000"})
    response = client.post("/account/two-factor/verify/", {"code": next_code(device)})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "尝试次数过多" in response.content.decode()
    assert client.get("/").status_code == 302


def test_failures_count_against_the_company_rate(client, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    company = Company.objects.get(pk=1)
    company.rate_login = "2/10m"
    company.save()
    password_login(client, "manager")
    device, _codes = enrol(client, required.manager)
    client.post("/logout/")
    password_login(client, "manager")
    for _ in range(2):
        client.post("/account/two-factor/verify/", {"code": "000000"})
    response = client.post("/account/two-factor/verify/", {"code": next_code(device)})
    assert "尝试次数过多" in response.content.decode()
    # Refused as every rate-limited page is: 429 with the seconds to wait.
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert client.get("/").status_code == 302


def test_a_recovery_code_works_once(client, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    manager = required.manager
    password_login(client, "manager")
    _device, codes = enrol(client, manager)
    client.post("/logout/")

    password_login(client, "manager")
    response = client.post("/account/two-factor/verify/", {"code": codes[3].upper(), "next": "/"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.OTP_PASS)
    assert entry.changes == {"method": "recovery", "recovery_left": 9}
    client.post("/logout/")

    password_login(client, "manager")
    response = client.post("/account/two-factor/verify/", {"code": codes[3]})
    assert "动态码或恢复码不正确" in response.content.decode()
    assert client.get("/").status_code == 302
    # Another code still works.
    assert client.post("/account/two-factor/verify/", {"code": codes[4]}).status_code == 302
    assert twofactor.recovery_left(manager) == 8


def test_the_password_alone_never_replaces_an_authenticator(client, required):
    password_login(client, "manager")
    enrol(client, required.manager)
    client.post("/logout/")
    password_login(client, "manager")
    response = client.get("/account/two-factor/setup/")
    assert response["Location"].startswith("/account/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=required.manager).count() == 1
    with pytest.raises(PermissionDenied):
        twofactor.enrol_start(user=required.manager)


def test_staff_outside_the_posts_may_enrol_and_are_then_asked(client, required):
    specialist = required.specialist
    password_login(client, "specialist")
    assert client.get("/").status_code == 200  # not required of a specialist
    page = client.get("/account/two-factor/").content.decode()
    assert "未启用" in page
    device, _codes = enrol(client, specialist)
    assert "已启用" in client.get("/account/two-factor/").content.decode()
    client.post("/logout/")

    password_login(client, "specialist")
    assert client.get("/")["Location"].startswith("/account/two-factor/verify/")
    client.post("/account/two-factor/verify/", {"code": next_code(device)})
    assert client.get("/").status_code == 200
    # They may switch it off again (a manager may not: the post requires it).
    assert client.post("/account/two-factor/disable/").status_code == 302
    assert not TOTPDevice.objects.filter(user=specialist).exists()
    assert AuditEntry.objects.filter(action=AuditAction.OTP_OFF, actor=specialist).exists()


def test_manager_may_not_switch_it_off_but_may_renew_recovery_codes(client, required):
    manager = required.manager
    password_login(client, "manager")
    _device, old = enrol(client, manager)
    assert "关闭两步验证" not in client.get("/account/two-factor/").content.decode()
    assert client.post("/account/two-factor/disable/").status_code == 403
    response = client.post("/account/two-factor/recovery/")
    new = re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert twofactor.recovery_left(manager) == 10


def test_administrator_resets_a_person_with_an_audit_row(client, world):
    require_two_factor([Post.MANAGER])
    manager = world.manager
    password_login(client, "manager")
    enrol(client, manager)
    client.post("/logout/")

    admin = Client()
    admin.force_login(world.admin, backend="wuyedesk.accounts.backends.StaffBackend")
    page = admin.get("/settings/two-factor/").content.decode()
    assert "王经理" in page and "已启用" in page
    staff = manager.staff
    response = admin.post(f"/settings/two-factor/{staff.pk}/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert not StaticDevice.objects.filter(user=manager).exists()
    entry = AuditEntry.objects.get(action=AuditAction.OTP_RESET)
    assert entry.actor == world.admin and entry.object_id == manager.pk
    assert "王经理" in entry.object_label and entry.changes == {"devices": 2}

    # The person enrols again at the next login.
    client.post("/login/", {"username": "manager", "password": PASSWORD})
    assert client.get("/")["Location"].startswith("/account/two-factor/setup/")


@pytest.mark.parametrize("persona", ["manager", "specialist", "executive", "supervisor"])
def test_other_posts_may_not_reset(client_as, world, persona):
    client = client_as(world.users[persona])
    assert client.get("/settings/two-factor/").status_code == 403
    target = world.specialist.staff
    TOTPDevice.objects.create(user=world.specialist, name="x", confirmed=True)
    assert client.post(f"/settings/two-factor/{target.pk}/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=world.specialist).exists()
    with pytest.raises(PermissionDenied):
        twofactor.reset(by=world.users[persona], staff=target)


def test_reset_through_the_api(api_as, world):
    TOTPDevice.objects.create(user=world.specialist, name="x", confirmed=True)
    target = world.specialist.staff
    admin = api_as(world.admin)
    rows = admin.get("/api/v1/two-factor/staff", q="刘").json()
    assert rows == [
        {
            "staff_id": target.pk,
            "name": "刘专员",
            "username": "specialist",
            "required": False,
            "enrolled": True,
        }
    ]
    response = admin.post(f"/api/v1/two-factor/staff/{target.pk}/reset")
    assert response.status_code == 200
    assert response.json() == {"staff_id": target.pk, "removed": 1}
    assert AuditEntry.objects.filter(action=AuditAction.OTP_RESET, actor=world.admin).exists()
    assert admin.post("/api/v1/two-factor/staff/999999/reset").status_code == 404
    assert admin.post(f"/api/v1/two-factor/staff/{2**70}/reset").status_code == 404

    other = api_as(world.manager)
    TOTPDevice.objects.create(user=world.specialist, name="y", confirmed=True)
    response = other.post(f"/api/v1/two-factor/staff/{target.pk}/reset")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert other.get("/api/v1/two-factor/staff").status_code == 403
    assert TOTPDevice.objects.filter(user=world.specialist).exists()
    bad = admin.get("/api/v1/two-factor/staff", limit=0)
    assert bad.status_code == 422 and bad.json()["field"] == "limit"


def _token(client, **body):
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_api_token_needs_the_code_of_a_person_who_must_use_it(client, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    manager = required.manager
    response = _token(client, username="manager", password=PASSWORD)
    assert response.status_code == 401
    assert response.json()["code"] == "otp_not_enrolled" and response.json()["field"] == "otp"

    password_login(client, "manager")
    device, _codes = enrol(client, manager)
    client.post("/logout/")
    response = _token(client, username="manager", password=PASSWORD)
    assert response.status_code == 401 and response.json()["code"] == "otp_required"
    response = _token(client, username="manager", password=PASSWORD, otp="000000")
    assert response.status_code == 401 and response.json()["code"] == "otp_invalid"
    assert not manager.api_tokens.exists()
    response = _token(client, username="manager", password=PASSWORD, otp=next_code(device))
    assert response.status_code == 200
    assert manager.api_tokens.count() == 1
    # A wrong password still says only that.
    response = _token(client, username="manager", password="wrong", otp=next_code(device))
    assert response.json()["code"] == "invalid_credentials"
    # Staff outside the posts need no code.
    assert _token(client, username="specialist", password=PASSWORD).status_code == 200


def test_token_service_refuses_without_the_second_factor(required):
    with pytest.raises(PermissionDenied):
        token_create(user=required.manager, name="x")
    token_create(user=required.specialist, name="x")  # not required of a specialist


def test_tokens_page_needs_a_verified_session(client, required):
    password_login(client, "manager")
    response = client.post("/account/tokens/", {"name": "脚本"})
    assert response.status_code == 302
    assert not required.manager.api_tokens.exists()
    enrol(client, required.manager)
    response = client.post("/account/tokens/", {"name": "脚本"})
    assert response.status_code == 200 and 'id="new-token"' in response.content.decode()


def test_company_setting_change_applies_to_the_next_request(client, required):
    password_login(client, "specialist")
    assert client.get("/").status_code == 200
    require_two_factor([Post.SPECIALIST])
    assert client.get("/")["Location"].startswith("/account/two-factor/setup/")


def test_residents_are_never_asked(client, required):
    require_two_factor(list(Post.values))
    client.post("/portal/login/", {"mobile": "13812345678", "password": PASSWORD})
    assert client.get("/portal/").status_code == 200


def test_before_the_second_step_language_logout_and_health_still_answer(client, required):
    password_login(client, "manager")
    response = client.post("/language/", {"language": "en", "next": "/account/two-factor/setup/"})
    assert response["Location"] == "/account/two-factor/setup/"
    page = client.get("/account/two-factor/setup/").content.decode()
    assert "Set up two-factor login" in page
    assert client.get("/healthz").status_code == 200
    assert client.post("/logout/")["Location"] == "/login/"


def test_the_api_reads_tokens_never_the_pending_session(client, required):
    password_login(client, "manager")  # a session still owing the second step
    _token, raw = token_create(user=required.specialist, name="t")
    response = client.get("/api/v1/residents", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert client.get("/api/v1/residents").status_code == 401


def test_a_reset_ends_the_verified_state_of_open_sessions(client, required):
    manager = required.manager
    password_login(client, "manager")
    enrol(client, manager)
    assert client.get("/").status_code == 200
    twofactor.reset(by=required.admin, staff=manager.staff)
    assert client.get("/")["Location"].startswith("/account/two-factor/setup/")
