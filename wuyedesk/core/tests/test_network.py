"""The client's address behind reverse proxies (lib/network.py, #11 point 2)."""

import pytest
from django.test import RequestFactory

from wuyedesk.lib.network import client_address


def request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_connection_is_the_client_and_the_header_is_ignored(settings):
    settings.PROXY_COUNT = 0

    assert client_address(request("203.0.113.5")) == "203.0.113.5"
    assert client_address(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left one is the client's own
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # fewer hops than proxies: the farthest one
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", "127.0.0.1"),
        (1, "", "127.0.0.1"),
    ],
)
def test_behind_proxies_the_outermost_proxys_entry_is_the_client(
    settings, proxies, forwarded, client
):
    settings.PROXY_COUNT = proxies

    assert client_address(request("127.0.0.1", forwarded)) == client
    assert client_address(request("127.0.0.1")) == "127.0.0.1"


def test_a_unix_socket_without_an_address_gives_none(settings):
    """(lib/throttle.py then counts such requests together.)"""
    settings.PROXY_COUNT = 0

    assert client_address(request("")) == ""


@pytest.mark.django_db
def test_the_audit_log_records_the_forwarded_address(world, client_as, settings):
    from wuyedesk.audit.models import AuditEntry

    settings.PROXY_COUNT = 1
    client = client_as(world.manager)
    client.post(
        f"/residents/{world.resident_a.pk}/reveal/phone/",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )

    assert AuditEntry.objects.latest("id").ip == "203.0.113.9"
