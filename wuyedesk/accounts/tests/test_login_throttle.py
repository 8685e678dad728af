"""Password spraying (#11 point 2): failed logins are limited per client address across user
names, on every door that checks a password, with the company setting `rate_login`."""

import pytest

from wuyedesk.accounts.models import ApiToken
from wuyedesk.properties.services import company_get
from wuyedesk.testing import PASSWORD

LIMIT = 5
WRONG = "wrong-password"
USERNAMES = [f"user{n:02d}" for n in range(30)]


@pytest.fixture
def limited(world):
    company = company_get()
    company.rate_login = f"{LIMIT}/10m"
    company.save()
    return world


def staff_page(client, username, password=WRONG, address="10.1.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def staff_api(client, username, password=WRONG, address="10.1.0.1"):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def portal_page(client, mobile, password=WRONG, address="10.1.0.1"):
    return client.post(
        "/portal/login/", {"mobile": mobile, "password": password}, REMOTE_ADDR=address
    )


def portal_api(client, mobile, password=WRONG, address="10.1.0.1"):
    return client.post(
        "/api/v1/portal/token",
        {"mobile": mobile, "password": password},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def assert_throttled_json(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 600
    body = response.json()
    assert body["code"] == "throttled"
    assert body["retry_after"] == retry_after
    assert "分钟后再试" in body["message"]
    assert "field" in body


def test_thirty_usernames_from_one_address_on_the_api_are_throttled_after_the_limit(
    limited, client
):
    answers = [staff_api(client, name) for name in USERNAMES]

    assert [a.status_code for a in answers[:LIMIT]] == [401] * LIMIT
    for refused in answers[LIMIT:]:
        assert_throttled_json(refused)


def test_thirty_usernames_from_one_address_on_the_login_page_are_throttled(limited, client):
    answers = [staff_page(client, name) for name in USERNAMES]

    assert [a.status_code for a in answers[:LIMIT]] == [200] * LIMIT
    assert "账号或密码不正确" in answers[0].content.decode()
    for refused in answers[LIMIT:]:
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 600
    page = answers[-1].content.decode()
    assert "分钟后再试" in page
    assert f'value="{USERNAMES[-1]}"' in page  # the form keeps what was typed


def test_a_throttled_address_is_refused_even_the_right_password(limited, client):
    for name in USERNAMES[:LIMIT]:
        staff_api(client, name)

    assert_throttled_json(staff_api(client, "manager", PASSWORD))
    assert staff_page(client, "manager", PASSWORD).status_code == 429
    assert not ApiToken.objects.filter(user=limited.manager).exists()


def test_every_door_counts_in_the_same_group(limited, client):
    staff_page(client, "a1")
    staff_api(client, "a2")
    portal_page(client, "13900000001")
    portal_api(client, "13900000002")
    staff_api(client, "a3")

    assert_throttled_json(portal_api(client, "13812345678", PASSWORD))
    assert portal_page(client, "13812345678", PASSWORD).status_code == 429
    assert_throttled_json(staff_api(client, "a4"))


def test_another_address_has_its_own_count(limited, client):
    for name in USERNAMES[:LIMIT]:
        staff_api(client, name, address="10.1.0.1")
    assert_throttled_json(staff_api(client, "x", address="10.1.0.1"))

    assert staff_api(client, "manager", PASSWORD, address="10.1.0.2").status_code == 200
    assert staff_api(client, "nobody", address="10.1.0.2").status_code == 401


def test_successful_logins_do_not_count(limited, client):
    """An office behind one NAT address: everyone signs in in the morning."""
    for _ in range(LIMIT * 3):
        assert staff_api(client, "manager", PASSWORD).status_code == 200
    response = portal_page(client, "13812345678", PASSWORD)
    assert response.status_code == 302
    client.post("/logout/")
    for _ in range(LIMIT - 1):
        staff_api(client, "nobody")
    assert staff_api(client, "manager", PASSWORD).status_code == 200


def test_the_rate_is_read_from_the_company_settings(limited, client):
    company = company_get()
    company.rate_login = "2/10m"
    company.save()
    staff_api(client, "a")
    staff_api(client, "b")

    assert_throttled_json(staff_api(client, "c"))


def test_the_page_says_when_to_try_again_in_english(limited, client):
    client.cookies["django_language"] = "en"
    for n in range(LIMIT + 1):
        response = portal_page(client, f"1390000000{n}")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts. Please try again in" in page
    assert 'value="13900000005"' in page


def test_behind_a_proxy_the_forwarded_client_address_is_counted(limited, client, settings):
    settings.PROXY_COUNT = 1
    proxy = "127.0.0.1"

    def attempt(name, forwarded):
        return client.post(
            "/api/v1/auth/token",
            {"username": name, "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(LIMIT):
        # What the client wrote itself (left of the proxy's entry) changes nothing.
        attempt(f"u{n}", f"198.51.100.{n}, 203.0.113.7")
    assert_throttled_json(attempt("u9", "203.0.113.7"))
    assert attempt("u9", "203.0.113.8").status_code == 401


def test_without_a_proxy_setting_the_forwarded_header_is_ignored(limited, client):
    for n in range(LIMIT):
        client.post(
            "/api/v1/auth/token",
            {"username": f"u{n}", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR="10.1.0.9",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    assert_throttled_json(staff_api(client, "u9", address="10.1.0.9"))
