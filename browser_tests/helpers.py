"""Helpers shared by the browser tests: logging in through the real forms."""

from wuyedesk.testing import PASSWORD

SUBMIT = "#main form button[type=submit]"


def login(page, live_server, username, password=PASSWORD):
    """Log a staff member in through the real login form at /login/."""
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click(SUBMIT)
    assert "/login/" not in page.url, f"login of {username!r} failed: {page.url}"


def resident_login(page, live_server, mobile, password=PASSWORD):
    """Log a resident in through the real portal form at /portal/login/."""
    page.goto(f"{live_server.url}/portal/login/")
    page.fill("input[name=mobile]", mobile)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click(SUBMIT)
    assert "/login/" not in page.url, f"resident login of {mobile!r} failed: {page.url}"


def logout(page):
    """Log out through the user menu's 退出登录 / Log out form (a POST)."""
    page.click("#user-menu")
    with page.expect_navigation():
        page.click("form[action='/logout/'] button")
