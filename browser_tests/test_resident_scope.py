"""A resident signs in to the portal and cannot reach the staff pages."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import resident_login

pytestmark = pytest.mark.browser


def test_resident_sees_portal_and_is_refused_staff_pages(page, live_server, browser_world):
    resident_login(page, live_server, "13812345678")

    assert page.url == f"{live_server.url}/portal/"
    expect(page.locator("h1")).to_have_text("业主服务")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    response = page.goto(f"{live_server.url}/residents/")

    assert response.status == 403
    expect(page.locator("h1")).to_have_text("无权访问")
    body = page.locator("body").inner_text()
    for secret in ("张伟", "李娜", "13812345678", "13987654321", "138****5678", "1101051949"):
        assert secret not in body
    expect(page.locator("table")).to_have_count(0)
