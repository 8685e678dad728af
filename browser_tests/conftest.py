"""Browser-test fixtures: Debian's Chromium through Playwright, against pytest-django's live_server.

Playwright's own browser download is unavailable, so the session launches /usr/bin/chromium.
The browser context announces English (en-US) on purpose: the product must still open in
Chinese, because it ignores Accept-Language.
"""

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# the ORM calls the tests make (building the world, counting audit entries).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture(autouse=True)
def _page_timeout(page):
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)


@pytest.fixture
def browser_world(transactional_db, live_server):
    """The test world (wuyedesk.testing), committed so the live server's thread sees it."""
    from wuyedesk.testing import build_world

    return build_world()


@pytest.fixture
def sms_gateway(settings):
    """A real SMS gateway: an HTTP server thread on 127.0.0.1 that checks the signature of
    WuyeDesk's webhook and keeps each message (wuyedesk/testing_gateway.py)."""
    from wuyedesk.testing_gateway import Gateway

    gateway = Gateway()
    settings.NOTIFY_WEBHOOK_URL = gateway.url
    settings.NOTIFY_WEBHOOK_SECRET = gateway.secret
    yield gateway
    gateway.stop()
