"""The anonymous survey link (page and API) is limited per client address with the company
setting `rate_survey_link`, before any token is looked up (#11 point 2)."""

import pytest

from wuyedesk.properties.services import company_get
from wuyedesk.surveys.models import Invitation, Response
from wuyedesk.surveys.tests.conftest import full_answers
from wuyedesk.surveys.tests.test_api import _answers

API = "/api/v1/surveys/token"
GUESSES = [f"{n:040d}" for n in range(10)]


@pytest.fixture
def limited(campaign, households):
    company = company_get()
    company.rate_survey_link = "3/10m"
    company.save()
    return campaign


@pytest.fixture
def token(limited, households):
    return Invitation.objects.get(campaign=limited, room=households.rooms_a[1]).make_token()


def assert_throttled_json(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert 1 <= int(response["Retry-After"]) <= 600
    body = response.json()
    assert body["code"] == "throttled" and "分钟后再试" in body["message"]


def test_guessing_tokens_on_the_api_is_throttled(limited, client, token):
    answers = [client.get(f"{API}/{guess}", REMOTE_ADDR="10.3.0.1") for guess in GUESSES]

    assert [a.status_code for a in answers[:3]] == [404] * 3
    for refused in answers[3:]:
        assert_throttled_json(refused)
    # Even the right token: nothing is looked up over the limit.
    assert_throttled_json(client.get(f"{API}/{token}", REMOTE_ADDR="10.3.0.1"))
    refused = client.post(
        f"{API}/{token}/answers",
        _answers(),
        content_type="application/json",
        REMOTE_ADDR="10.3.0.1",
    )
    assert_throttled_json(refused)
    assert Response.objects.count() == 0


def test_another_address_answers_by_the_link(limited, client, token):
    for guess in GUESSES[:4]:
        client.get(f"{API}/{guess}", REMOTE_ADDR="10.3.1.1")

    assert client.get(f"{API}/{token}", REMOTE_ADDR="10.3.1.2").status_code == 200
    done = client.post(
        f"{API}/{token}/answers",
        _answers(),
        content_type="application/json",
        REMOTE_ADDR="10.3.1.2",
    )
    assert done.status_code == 201


def test_the_link_page_is_throttled_in_the_surveys_look(limited, client, token, version):
    for guess in GUESSES[:3]:
        assert client.get(f"/surveys/t/{guess}/", REMOTE_ADDR="10.3.2.1").status_code == 404

    page = client.get(f"/surveys/t/{token}/", REMOTE_ADDR="10.3.2.1")
    assert page.status_code == 429
    assert 1 <= int(page["Retry-After"]) <= 600
    assert "分钟后再试" in page.content.decode()
    posted = client.post(f"/surveys/t/{token}/", full_answers(version), REMOTE_ADDR="10.3.2.1")
    assert posted.status_code == 429
    unsubscribe = client.get(f"/surveys/t/{token}/unsubscribe/", REMOTE_ADDR="10.3.2.1")
    assert unsubscribe.status_code == 429
    assert Response.objects.count() == 0


def test_page_and_api_count_together(limited, client, token):
    client.get(f"/surveys/t/{token}/", REMOTE_ADDR="10.3.3.1")
    client.get(f"{API}/{token}", REMOTE_ADDR="10.3.3.1")
    client.get(f"/surveys/t/{token}/", REMOTE_ADDR="10.3.3.1")

    assert_throttled_json(client.get(f"{API}/{token}", REMOTE_ADDR="10.3.3.1"))


def test_a_resident_answering_normally_is_not_refused(limited, client, token, version):
    path = f"/surveys/t/{token}/"
    assert client.get(path, REMOTE_ADDR="10.3.4.1").status_code == 200
    done = client.post(path, full_answers(version), REMOTE_ADDR="10.3.4.1")
    assert done.status_code == 200
    assert Response.objects.count() == 1


def test_the_page_says_when_in_english(limited, client, token):
    client.cookies["django_language"] = "en"
    for guess in GUESSES[:4]:
        page = client.get(f"/surveys/t/{guess}/", REMOTE_ADDR="10.3.5.1")

    assert page.status_code == 429
    assert "Too many attempts. Please try again in" in page.content.decode()
