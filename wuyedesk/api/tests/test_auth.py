"""Bearer tokens: obtaining, using, listing and revoking them; every refusal is JSON."""

import pytest

from wuyedesk.accounts.models import ApiToken
from wuyedesk.accounts.services import token_create
from wuyedesk.testing import PASSWORD, assert_api_error

TOKEN_URL = "/api/v1/auth/token"
TOKENS_URL = "/api/v1/auth/tokens"
SOME_RESOURCE = "/api/v1/communities"


def obtain(client, username, password=PASSWORD):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, content_type="application/json"
    )


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


# Obtaining a token


def test_good_password_gives_a_token(world, client):
    response = obtain(client, "manager")

    assert response.status_code == 200
    assert response.json()["token"].startswith("wd_")


def test_the_token_is_stored_only_as_a_digest(world, client):
    raw = obtain(client, "manager").json()["token"]

    token = ApiToken.objects.get(user=world.manager)
    assert token.digest != raw
    assert raw not in token.digest
    assert raw.startswith("wd_" + token.prefix)


def test_bad_password_is_a_json_401(world, client):
    response = obtain(client, "manager", "wrong-password")

    assert_api_error(response, 401, "invalid_credentials")
    assert not ApiToken.objects.filter(user=world.manager).exists()


def test_unknown_username_is_the_same_json_401(world, client):
    response = obtain(client, "nobody")

    assert_api_error(response, 401, "invalid_credentials")


def test_missing_password_is_a_422_naming_the_field(world, client):
    response = client.post(TOKEN_URL, {"username": "manager"}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["field"] == "password"
    assert response.json()["code"] == "missing"


def test_resident_account_cannot_obtain_a_staff_token(world, client):
    response = obtain(client, world.resident.username)

    assert_api_error(response, 401, "invalid_credentials")
    assert not ApiToken.objects.filter(user=world.resident).exists()


def test_resident_phone_number_cannot_obtain_a_staff_token(world, client):
    response = obtain(client, world.resident_a.phone)

    assert_api_error(response, 401, "invalid_credentials")


def test_repeated_failures_lock_the_account_out_with_a_json_429(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        obtain(client, "manager", "wrong-password")

    response = obtain(client, "manager")  # even the right password, while locked out

    assert_api_error(response, 429, "locked_out")
    assert not ApiToken.objects.filter(user=world.manager).exists()


# Using a token


def test_obtained_token_works_as_a_bearer_token(world, client):
    raw = obtain(client, "manager").json()["token"]

    response = client.get(SOME_RESOURCE, headers=bearer(raw))

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [world.a.id]


def test_missing_token_is_a_json_401(world, client):
    response = client.get(SOME_RESOURCE)

    assert_api_error(response, 401, "unauthorized")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wd_not-a-real-token",
        "Bearer garbage",
        "Bearer ",
        "Token wd_whatever",
        "Basic bWFuYWdlcjpUZXN0LXBhc3MtMjAyNg==",
    ],
)
def test_garbage_authorization_is_a_json_401(world, client, header):
    response = client.get(SOME_RESOURCE, headers={"Authorization": header})

    assert_api_error(response, 401, "unauthorized")


def test_staff_login_session_does_not_replace_the_token(world, client_as):
    response = client_as(world.manager).get(SOME_RESOURCE)

    assert_api_error(response, 401, "unauthorized")


def test_token_of_a_deactivated_user_is_a_json_401(world, client):
    _token, raw = token_create(user=world.manager, name="t")
    world.manager.is_active = False
    world.manager.save(update_fields=["is_active"])

    response = client.get(SOME_RESOURCE, headers=bearer(raw))

    assert_api_error(response, 401, "unauthorized")


def test_resident_token_is_refused_staff_data(world, client):
    _token, raw = token_create(user=world.resident, name="t")

    response = client.get("/api/v1/residents", headers=bearer(raw))

    assert_api_error(response, 403, "permission_denied")


def test_using_a_token_records_when_it_was_last_used(world, client):
    token, raw = token_create(user=world.manager, name="t")
    assert token.last_used_at is None

    client.get(SOME_RESOURCE, headers=bearer(raw))

    token.refresh_from_db()
    assert token.last_used_at is not None


# Listing and revoking


def test_token_list_shows_only_my_tokens(world, client):
    mine, raw = token_create(user=world.manager, name="手机")
    token_create(user=world.specialist, name="someone else's")

    response = client.get(TOKENS_URL, headers=bearer(raw))

    assert response.status_code == 200
    assert [(t["id"], t["name"]) for t in response.json()] == [(mine.id, "手机")]


def test_token_list_never_shows_a_secret(world, client):
    mine, raw = token_create(user=world.manager, name="手机")

    body = client.get(TOKENS_URL, headers=bearer(raw)).content.decode()

    assert raw not in body
    assert mine.digest not in body
    assert "digest" not in body


def test_revoking_a_token_marks_it_revoked(world, client):
    token, raw = token_create(user=world.manager, name="t")

    response = client.delete(f"{TOKENS_URL}/{token.id}", headers=bearer(raw))

    assert response.status_code == 200
    assert response.json()["revoked_at"] is not None
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoked_token_stops_working(world, client):
    token, raw = token_create(user=world.manager, name="t")
    client.delete(f"{TOKENS_URL}/{token.id}", headers=bearer(raw))

    response = client.get(SOME_RESOURCE, headers=bearer(raw))

    assert_api_error(response, 401, "unauthorized")


def test_revoking_one_token_leaves_the_others_working(world, client):
    first, first_raw = token_create(user=world.manager, name="a")
    _second, second_raw = token_create(user=world.manager, name="b")

    client.delete(f"{TOKENS_URL}/{first.id}", headers=bearer(second_raw))

    assert client.get(SOME_RESOURCE, headers=bearer(second_raw)).status_code == 200
    assert client.get(SOME_RESOURCE, headers=bearer(first_raw)).status_code == 401


def test_cannot_revoke_someone_elses_token(world, client):
    _mine, raw = token_create(user=world.manager, name="t")
    theirs, theirs_raw = token_create(user=world.specialist, name="t")

    response = client.delete(f"{TOKENS_URL}/{theirs.id}", headers=bearer(raw))

    assert_api_error(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert client.get(SOME_RESOURCE, headers=bearer(theirs_raw)).status_code == 200


def test_errors_are_in_the_token_owners_language(world, client):
    world.specialist.language = "en"
    world.specialist.save(update_fields=["language"])
    _token, raw = token_create(user=world.specialist, name="t")

    response = client.get("/api/v1/tickets/999999", headers=bearer(raw))

    assert_api_error(response, 404, "not_found")
    assert response.json()["message"] == "Not found."
    assert response["Content-Language"] == "en"
    # Another owner, another language: nothing of the first answer stays active.
    _token, raw = token_create(user=world.manager, name="t")
    response = client.get("/api/v1/tickets/999999", headers=bearer(raw))
    assert response.json()["message"] == "不存在。"
    assert response["Content-Language"] == "zh-hans"
