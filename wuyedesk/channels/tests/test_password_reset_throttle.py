"""Password-reset mail is limited per e-mail address and per client address, with the company
setting `rate_password_reset`, and the answers never tell whether an address has an account
(#11 point 2)."""

import re

import pytest

from wuyedesk.properties.services import company_get

URL = "/portal/password/reset/"
KNOWN = "zhangwei@example.com"
UNKNOWN = "nobody@example.com"


@pytest.fixture
def limited(world):
    company = company_get()
    company.rate_password_reset = "3/h"
    company.save()
    world.resident.email = KNOWN
    world.resident.save()
    return world


def ask(client, email, address):
    return client.post(URL, {"email": email}, REMOTE_ADDR=address)


def test_mail_to_one_address_is_limited_from_any_client_address(limited, client, smtp):
    answers = [ask(client, KNOWN, f"10.2.0.{n}") for n in range(4)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert len(smtp.to(KNOWN)) == 3
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 3600
    page = refused.content.decode()
    assert "分钟后再试" in page
    assert f'value="{KNOWN}"' in page  # the form keeps what was typed


def test_an_unknown_address_gets_the_very_same_answers(limited, client, smtp):
    known = [ask(client, KNOWN, f"10.2.1.{n}") for n in range(4)]
    unknown = [ask(client, UNKNOWN, f"10.2.2.{n}") for n in range(4)]

    assert [a.status_code for a in known] == [a.status_code for a in unknown]
    assert [a.get("Location") for a in known] == [a.get("Location") for a in unknown]

    def shown(response):
        page = response.content.decode().replace(KNOWN, "EMAIL").replace(UNKNOWN, "EMAIL")
        page = re.sub(r"[A-Za-z0-9]{64}", "CSRF", page)
        # The window of each counter ends at its own time (django-ratelimit spreads them).
        return re.sub(r"\d+分钟", "N分钟", page)

    assert shown(known[-1]) == shown(unknown[-1])
    assert smtp.to(UNKNOWN) == []


def test_one_client_address_is_limited_across_email_addresses(limited, client, smtp):
    answers = [ask(client, f"person{n}@example.com", "10.2.3.1") for n in range(3)]
    answers.append(ask(client, KNOWN, "10.2.3.1"))

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert smtp.to(KNOWN) == []
    # Another client address may still ask for it.
    assert ask(client, KNOWN, "10.2.3.2").status_code == 302
    assert len(smtp.to(KNOWN)) == 1


def test_the_refusal_is_in_the_users_language(limited, client, smtp):
    client.cookies["django_language"] = "en"
    for n in range(4):
        response = ask(client, KNOWN, f"10.2.4.{n}")

    assert response.status_code == 429
    assert "Too many attempts. Please try again in" in response.content.decode()


def test_the_email_address_is_not_in_the_cache_in_clear(limited, client, smtp):
    from django.core.cache import cache

    ask(client, KNOWN, "10.2.5.1")
    keys = [str(k) for k in getattr(cache, "_cache", {})]
    assert keys and not any("zhangwei" in k for k in keys)
