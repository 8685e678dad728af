"""Every post's home in Chromium (issue #12 points 1 and 2): each number equals the rows of
the list it opens, one is followed by a click; the menu's focus ring shows. That the main
pages fit 1366 and 1280 px in Chinese and English without horizontal scrolling or a wrapped
menu is checked with their accessibility (test_accessibility.py)."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser

POSTS = ["manager", "specialist", "assistant", "worker", "supervisor", "executive"]
HEADINGS = {
    "manager": "客服部经理工作台",
    "specialist": "客服专员工作台",
    "assistant": "客服助理工作台",
    "worker": "部门工作台",
    "supervisor": "监督小组工作台",
    "executive": "公司管理层工作台",
    "admin": "系统管理员工作台",
}
FIGURES = """els => els.map(e => [e.dataset.figure, e.getAttribute("href"), +e.dataset.count])"""


@pytest.fixture
def work(browser_world):
    from wuyedesk.web.tests.work import fill_work

    fill_work(browser_world)
    return browser_world


def rows_on(page) -> int:
    """The rows of the list the page shows (the lists mark their rows)."""
    url = urlparse(page.url)
    if url.fragment == "my-tasks":
        return page.locator("#my-tasks li[id^=task-]").count()
    if url.path == "/tickets/":
        return page.locator("#ticket-list tr[data-ticket]").count()
    return page.locator("[data-row]").count()


@pytest.mark.parametrize("username", POSTS)
def test_each_number_on_the_home_equals_the_rows_of_its_list(page, live_server, work, username):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, username)
    expect(page.locator("h1")).to_have_text(HEADINGS[username])
    figures = page.eval_on_selector_all("[data-figure]", FIGURES)
    assert figures, "no numbers on the home"
    for key, href, n in figures:
        page.goto(f"{live_server.url}{href}")
        assert rows_on(page) == n, (key, href, n)

    # Follow one by clicking it, as a person would: the first number that is not 0.
    page.goto(f"{live_server.url}/")
    key, href, n = next(f for f in figures if f[2])
    with page.expect_navigation():
        page.locator(f"[data-figure='{key}']").first.click()
    assert page.url.endswith(href)
    assert rows_on(page) == n


def test_the_menus_focus_ring_shows_and_a_group_opens_by_keyboard(page, live_server, work):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "manager")
    work_menu = page.locator("#menu-work")
    work_menu.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus from the keyboard, so :focus-visible applies
    expect(work_menu).to_be_focused()
    outline = work_menu.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    page.keyboard.press("Enter")
    first = page.locator("#menu-work + .dropdown-menu .dropdown-item").first
    expect(first).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/tickets/" in page.url
