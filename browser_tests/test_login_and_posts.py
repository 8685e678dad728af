"""Every post logs in through the real form and lands on its own Chinese workbench."""

import re

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login, logout

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    "manager": "客服部经理工作台",
    "specialist": "客服专员工作台",
    "assistant": "客服助理工作台",
    "worker": "部门工作台",
    "supervisor": "监督小组工作台",
    "executive": "公司管理层工作台",
    "admin": "系统管理员工作台",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("username", list(HOME_HEADINGS))
def test_each_post_logs_in_to_its_chinese_home(page, live_server, browser_world, username):
    login(page, live_server, username)

    assert page.url == f"{live_server.url}/"
    expect(page.locator("h1")).to_have_text(HOME_HEADINGS[username])
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_login_page_is_chinese_despite_english_browser(page, live_server, browser_world):
    assert page.evaluate("navigator.language") == "en-US"

    page.goto(f"{live_server.url}/login/")

    expect(page).to_have_title(re.compile("员工登录"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text("员工登录")


def test_english_is_one_click_away_and_remembered_per_user(page, live_server, browser_world):
    login(page, live_server, "specialist")
    expect(page.locator("h1")).to_have_text("客服专员工作台")

    with page.expect_navigation():
        page.click("nav button[name=language][value=en]")

    html = page.locator("html")
    heading = page.locator("h1")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("nav button[name=language][value=zh-hans]")).to_have_text("中文")
    expect(heading).not_to_have_text("客服专员工作台")
    assert not CJK.search(heading.inner_text()), heading.inner_text()

    # Log out and forget every cookie, so only the user's saved choice can bring English back.
    logout(page)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    expect(html).to_have_attribute("lang", "zh-CN")

    login(page, live_server, "specialist")

    expect(html).to_have_attribute("lang", "en")
    expect(heading).not_to_have_text("客服专员工作台")
    assert not CJK.search(heading.inner_text()), heading.inner_text()
    browser_world.specialist.refresh_from_db()
    assert browser_world.specialist.language == "en"
