"""A manager whose post requires two-factor login reaches no page with the password alone
(#11 point 6): enrolment by QR code and typed key, recovery codes, then the code at every
later login. The codes are real TOTP codes, computed here from the key."""

import re
from base64 import b32decode
from urllib.parse import urlparse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from browser_tests.helpers import SUBMIT, logout
from wuyedesk.accounts.tests.two_factor_helpers import next_code, require_two_factor
from wuyedesk.testing import PASSWORD

pytestmark = pytest.mark.browser

# Pages of every kind; each must send the manager back to the second step.
TRIED = [
    "/",
    "/tickets/",
    "/tickets/new/",
    "/residents/",
    "/reports/",
    "/audit/",
    "/account/tokens/",
    "/account/two-factor/",
    "/settings/two-factor/",
]


def password_only(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click(SUBMIT)


def assert_held_at(page, live_server, step: str):
    for url in TRIED:
        page.goto(f"{live_server.url}{url}")
        assert urlparse(page.url).path == f"/account/two-factor/{step}/", url
        expect(page.locator("#main h1")).to_contain_text("两步验证")
        expect(page.locator("#nav")).to_have_count(0)  # no menu of pages to reach


def test_manager_reaches_no_page_before_a_real_totp_code(
    page, live_server, browser_world, settings
):
    # No back-off after the wrong code below (django-otp's throttling has its own test).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    require_two_factor()
    page.set_viewport_size({"width": 1366, "height": 768})
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None)
            and not r.url.startswith("data:")
            else None
        ),
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # First login: the password opens only the enrolment.
    password_only(page, live_server)
    expect(page).to_have_url(re.compile(r"/account/two-factor/setup/\?next="))
    expect(page.locator("#totp-qr img")).to_be_visible()
    page.wait_for_load_state("load")
    assert page.evaluate("document.querySelector('#totp-qr img').naturalWidth") > 0
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1366
    assert_held_at(page, live_server, "setup")

    # Type the key into "the app" (here: the test) and enter the code it computes.
    page.goto(f"{live_server.url}/")
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.fill("input[name=code]", f"{totp(key):06d}")
    with page.expect_navigation():
        page.click(SUBMIT)
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    with page.expect_navigation():
        page.click("#codes-done")
    expect(page.locator("h1")).to_have_text("客服部经理工作台")

    # Every later login: the password, then the code.
    logout(page)
    password_only(page, live_server)
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/\?next="))
    assert_held_at(page, live_server, "verify")

    page.fill("input[name=code]", "000000")
    with page.expect_navigation():
        page.click(SUBMIT)
    expect(page.locator(".invalid-feedback")).to_contain_text("动态码或恢复码不正确")

    device = TOTPDevice.objects.get(user=browser_world.manager, confirmed=True)
    page.goto(f"{live_server.url}/account/two-factor/verify/?next=/tickets/")
    page.fill("input[name=code]", next_code(device))
    with page.expect_navigation():
        page.click(SUBMIT)
    assert urlparse(page.url).path == "/tickets/"
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("客服部经理工作台")
    assert outside == []
    assert [e for e in errors if re.search(r"Content Security Policy|Refused", e)] == []
