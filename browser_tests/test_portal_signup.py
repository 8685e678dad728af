"""A sign-up whose number is not on record waits for an assistant; once approved in the queue,
the applicant logs in on their phone (issue #4 §1)."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login, resident_login

pytestmark = pytest.mark.browser


def test_pending_sign_up_is_approved_by_the_assistant(browser, live_server, browser_world):
    from wuyedesk.channels.models import Signup

    room = browser_world.rooms_a[1]
    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/portal/login/")
    page.click("#portal-signup")
    page.fill("#id_mobile", "13900006666")
    page.fill("#id_name", "钱多多")
    page.select_option("#id_community", label="阳光花园")
    expect(page.locator("#id_building option", has_text="1栋")).to_have_count(1)
    page.select_option("#id_building", label="1栋")
    expect(page.locator(f"#id_room option[value='{room.pk}']")).to_have_count(1)
    page.select_option("#id_room", value=str(room.pk))
    page.fill("#id_password", "Sunny-day-2026")
    with page.expect_navigation():
        page.click("#signup-form button[type=submit]")
    expect(page.locator("#signup-result")).to_contain_text("待审核")
    signup = Signup.objects.get()

    desk = browser.new_context().new_page()
    desk.set_default_timeout(10_000)
    login(desk, live_server, "assistant")
    desk.goto(f"{live_server.url}/")
    desk.get_by_role("link", name="注册审核").click()
    card = desk.locator(f"#signup-{signup.pk}")
    expect(card).to_contain_text("钱多多")
    expect(card).to_contain_text("139****6666")
    card.locator(f"#s{signup.pk}-decision_1").check()
    card.locator(f"#s{signup.pk}-role").select_option("tenant")
    with desk.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(desk.locator(".alert-success")).to_contain_text("已通过")
    expect(desk.locator("#no-signups")).to_be_visible()

    resident_login(page, live_server, "13900006666", "Sunny-day-2026")
    expect(page.locator("main")).to_contain_text("阳光花园-1栋-1单元-201")
