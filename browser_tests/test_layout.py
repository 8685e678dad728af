"""The home page fits a phone and runs clean under the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


def test_phone_viewport_has_no_horizontal_scroll(page, live_server, browser_world):
    page.set_viewport_size({"width": 375, "height": 812})
    login(page, live_server, "specialist")

    expect(page.locator("h1")).to_have_text("客服专员工作台")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px phone"
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    # Bootstrap's collapse (an external script, allowed by the CSP) opens the menu.
    toggler.click()
    expect(page.locator("#nav")).to_be_visible()


def test_home_page_has_no_console_errors_or_csp_violations(page, live_server, browser_world):
    errors = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    failed = []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)

    login(page, live_server, "manager")
    page.wait_for_load_state("networkidle")
    # Late reports (the favicon request, CSP violation reports) arrive after the load.
    page.wait_for_timeout(500)

    expect(page.locator("h1")).to_have_text("客服部经理工作台")
    # The page's own scripts really ran.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert failed == []
    assert errors == []
