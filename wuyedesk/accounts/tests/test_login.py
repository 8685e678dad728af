import pytest
from axes.models import AccessAttempt

from wuyedesk.testing import PASSWORD


def test_login_page_is_chinese_whatever_the_browser_asks(client, db):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert "员工登录" in page
    assert 'lang="zh-CN"' in page


def test_staff_logs_in_with_username(client, world):
    response = client.post("/login/", {"username": "specialist", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "客服专员工作台" in client.get("/").content.decode()


def test_resident_logs_in_with_mobile_number_on_the_portal(client, world):
    response = client.post("/portal/login/", {"mobile": "138 1234 5678", "password": PASSWORD})
    assert response["Location"] == "/portal/"
    assert "业主服务" in client.get("/portal/").content.decode()
    assert client.get("/").status_code == 302  # residents are sent to the portal


def test_resident_cannot_log_in_on_the_staff_side(client, world):
    response = client.post("/login/", {"username": "resident-a", "password": PASSWORD})
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()


def test_staff_cannot_open_the_portal(client_as, world):
    assert client_as(world.specialist).get("/portal/").status_code == 403


def test_lockout_after_repeated_failures(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "specialist", "password": "wrong"})
    response = client.post("/login/", {"username": "specialist", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()


def test_failed_resident_logins_never_store_the_phone_number(client, world):
    client.post("/portal/login/", {"mobile": "13812345678", "password": "wrong"})
    attempt = AccessAttempt.objects.get()
    assert "13812345678" not in attempt.username
    assert "13812345678" not in attempt.post_data


def test_the_recorded_digest_of_a_number_cannot_be_recomputed_without_the_secret_key(client, world):
    """Mobile numbers are few (about 10^10): a plain hash of one is undone by hashing them all.
    The digest is keyed with SECRET_KEY, as the rate limits' are (#11 point 2)."""
    import hashlib

    client.post("/portal/login/", {"mobile": "13812345678", "password": "wrong"})
    recorded = AccessAttempt.objects.get().username
    plain = hashlib.sha256(b"13812345678").hexdigest()
    assert recorded.startswith("resident:")
    assert recorded.removeprefix("resident:") not in plain
    # The same number is the same digest, so the lockout per number still counts.
    client.post("/portal/login/", {"mobile": "138 1234 5678", "password": "wrong"})
    assert AccessAttempt.objects.get().failures_since_start == 2


def test_logout_requires_post(client_as, world):
    client = client_as(world.specialist)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/")["Location"] == "/login/"


def test_open_redirect_is_refused(client, world):
    response = client.post(
        "/login/?next=https://evil.example/",
        {"username": "specialist", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_password_change(client_as, world):
    client = client_as(world.specialist)
    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "New-pass-9876",
            "new_password2": "New-pass-9876",
        },
    )
    assert response.status_code == 302
    world.specialist.refresh_from_db()
    assert world.specialist.check_password("New-pass-9876")


@pytest.mark.parametrize("language,heading", [("en", "Manager"), ("zh-hans", "客服部经理工作台")])
def test_language_choice_is_remembered_on_the_user(client_as, world, language, heading):
    client = client_as(world.manager)
    client.post("/language/", {"language": language, "next": "/"})
    world.manager.refresh_from_db()
    assert world.manager.language == language
    client.cookies.clear()
    client.force_login(world.manager, backend="wuyedesk.accounts.backends.StaffBackend")
    assert client.get("/")["Content-Language"] == language


def test_unknown_language_is_ignored(client_as, world):
    client = client_as(world.manager)
    client.post("/language/", {"language": "xx"})
    world.manager.refresh_from_db()
    assert world.manager.language == "zh-hans"


def test_archived_staff_can_neither_log_in_nor_get_a_token(client, world):
    from django.utils import timezone

    staff = world.specialist.staff
    staff.archived_at = timezone.now()
    staff.save(update_fields=["archived_at"])
    response = client.post("/login/", {"username": "specialist", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(
        "/api/v1/auth/token",
        {"username": "specialist", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
