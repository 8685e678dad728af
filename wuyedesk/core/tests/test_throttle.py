"""The shared rate-limit mechanism (#11 point 2): counts per address or per value, answers 429
with Retry-After on the API and a page that says when to try again."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path

from wuyedesk import urls as project_urls
from wuyedesk.lib.throttle import Throttled, retry_message, throttle


def request_from(address: str):
    return RequestFactory().post("/x", REMOTE_ADDR=address)


def test_a_request_without_a_client_address_is_counted_not_an_error():
    request = RequestFactory().post("/x")
    del request.META["REMOTE_ADDR"]
    throttle(request, group="noaddr", rate="1/m")
    with pytest.raises(Throttled):
        throttle(request, group="noaddr", rate="1/m")


def test_the_attempt_over_the_rate_is_refused_with_the_time_left():
    for _ in range(3):
        throttle(request_from("10.0.0.1"), group="t", rate="3/10m")
    with pytest.raises(Throttled) as refused:
        throttle(request_from("10.0.0.1"), group="t", rate="3/10m")
    assert 1 <= refused.value.retry_after <= 600
    # Another address and another group have their own count.
    throttle(request_from("10.0.0.2"), group="t", rate="3/10m")
    throttle(request_from("10.0.0.1"), group="other", rate="3/10m")


def test_counting_by_value_ignores_the_address():
    for n in range(2):
        throttle(request_from(f"10.0.1.{n}"), group="code", rate="2/h", value="13800138000")
    with pytest.raises(Throttled):
        throttle(request_from("10.0.1.9"), group="code", rate="2/h", value="13800138000")
    throttle(request_from("10.0.1.9"), group="code", rate="2/h", value="13900139000")


def test_asking_without_counting_refuses_only_once_the_limit_is_reached():
    request = request_from("10.0.2.1")
    for _ in range(5):
        throttle(request, group="peek", rate="2/m", increment=False)
    throttle(request, group="peek", rate="2/m")
    throttle(request, group="peek", rate="2/m", increment=False)
    throttle(request, group="peek", rate="2/m")
    with pytest.raises(Throttled):
        throttle(request, group="peek", rate="2/m", increment=False)


def test_the_value_is_not_in_the_cache_key_in_clear(settings):
    from django.core.cache import cache

    throttle(request_from("10.0.3.1"), group="code", rate="2/h", value="13800138000")
    keys = [str(k) for k in getattr(cache, "_cache", {})]
    assert keys and not any("13800138000" in k for k in keys)


def test_the_message_says_minutes_in_the_users_language():
    from django.utils import translation

    assert "2分钟" in retry_message(61)
    with translation.override("en"):
        assert retry_message(30) == "Too many attempts. Please try again in 1 minute."


def limited(request):
    throttle(request, group="page", rate="1/m")
    return HttpResponse("ok")


urlpatterns = [path("limited/", limited), *project_urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.django_db
def test_a_throttled_page_answers_429_with_retry_after(client):
    assert client.post("/limited/").status_code == 200
    refused = client.post("/limited/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "请在1分钟后再试" in refused.content.decode()
