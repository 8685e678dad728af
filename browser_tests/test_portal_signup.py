"""Issue #11 acceptance, on a phone (375×812): knowing a resident's number and room is not
enough to become them on the portal; with the code sent to the number (read from a real HTTP
gateway on 127.0.0.1) the sign-up links; without a gateway it waits for an assistant, who
approves it in the queue, and then the applicant logs in (issue #4 §1)."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login, resident_login

pytestmark = pytest.mark.browser
PASSWORD = "Sunny-day-2026"  # noqa: S105  (a test account)


def _phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen: {page.url}"


def _sign_up(page, live_server, room, mobile, name):
    page.goto(f"{live_server.url}/portal/login/")
    page.click("#portal-signup")
    page.fill("#id_mobile", mobile)
    page.fill("#id_name", name)
    page.select_option("#id_community", label="阳光花园")
    expect(page.locator("#id_building option", has_text="1栋")).to_have_count(1)
    page.select_option("#id_building", label="1栋")
    expect(page.locator(f"#id_room option[value='{room.pk}']")).to_have_count(1)
    page.select_option("#id_room", value=str(room.pk))
    page.fill("#id_password", PASSWORD)
    _fits(page)
    with page.expect_navigation():
        page.click("#signup-form button[type=submit]")


def test_number_and_room_are_not_enough_the_code_sent_to_the_number_is(
    browser, live_server, browser_world, sms_gateway
):
    from wuyedesk.accounts.models import User
    from wuyedesk.notifications.models import Notification
    from wuyedesk.testing import make_resident

    room = browser_world.rooms_a[2]
    owner = make_resident(room, name="赵敏", phone="13900002222")

    # A stranger who knows the number and the room.
    stranger = _phone(browser)
    _sign_up(stranger, live_server, room, "13900002222", "赵敏")
    expect(stranger.locator("#code-sent")).to_contain_text("139****2222")
    _fits(stranger)
    sent = sms_gateway.code_for("13900002222")  # it went to the owner's phone, not to them
    guess = "000000" if sent != "000000" else "111111"
    stranger.fill("#id_code", guess)
    with stranger.expect_navigation():
        stranger.click("#code-form button[type=submit]")
    expect(stranger.locator("#id_code_help")).to_contain_text("验证码不正确,还可以再试 4 次")
    expect(stranger.locator("#id_code")).to_have_value(guess)  # the form keeps what was typed
    _fits(stranger)
    assert not User.objects.filter(resident=owner).exists()
    stranger.goto(f"{live_server.url}/portal/tickets/")
    assert "/portal/login/" in stranger.url  # not logged in as anybody

    # The owner signs up on their own phone and gets the code by SMS.
    phone = _phone(browser)
    _sign_up(phone, live_server, room, "139 0000 2222", "赵敏")
    expect(phone.locator("#code-sent")).to_contain_text("139****2222")
    first = sms_gateway.code_for("13900002222")
    phone.click("#resend-code")  # "did not get it?": a new code, the previous one stops working
    expect(phone.locator(".alert-success")).to_contain_text("验证码已重新发送")
    code = sms_gateway.code_for("13900002222")
    assert len(sms_gateway.to("13900002222")) == 3 and sms_gateway.refused == 0
    if first != code:
        phone.fill("#id_code", first)
        with phone.expect_navigation():
            phone.click("#code-form button[type=submit]")
        expect(phone.locator("#id_code_help")).to_contain_text("验证码不正确")
    phone.fill("#id_code", code)
    with phone.expect_navigation():
        phone.click("#code-form button[type=submit]")

    assert phone.url == f"{live_server.url}/portal/"
    expect(phone.locator(".alert-success")).to_contain_text("注册成功")
    expect(phone.locator("main")).to_contain_text("阳光花园-1栋-1单元-301")
    _fits(phone)
    user = User.objects.get(resident=owner)
    assert user.check_password(PASSWORD)
    assert User.objects.filter(resident__phone="13900002222").count() == 1
    # The owner's portal notices tell of the attempts on their number (made before they had an
    # account, so the SMS was the notice then); a new attempt reaches their notices.
    _sign_up(stranger, live_server, room, "13900002222", "赵敏")
    expect(stranger.locator("#code-sent")).to_contain_text("139****2222")
    assert Notification.objects.filter(user=user, kind="resident:signup_attempt").exists()


def test_without_a_gateway_a_number_on_record_waits_for_the_assistant(
    browser, live_server, browser_world
):
    from wuyedesk.accounts.models import User
    from wuyedesk.channels.models import Signup
    from wuyedesk.testing import make_resident

    room = browser_world.rooms_a[1]
    owner = make_resident(room, name="钱多多", phone="13900006666")
    page = _phone(browser)
    _sign_up(page, live_server, room, "13900006666", "钱多多")
    expect(page.locator("#signup-result")).to_contain_text("待审核")
    _fits(page)
    assert not User.objects.filter(resident=owner).exists()  # never linked by itself
    signup = Signup.objects.get()

    desk = browser.new_context().new_page()
    desk.set_default_timeout(10_000)
    login(desk, live_server, "assistant")
    desk.goto(f"{live_server.url}/")
    desk.locator("[data-figure=signups]").click()  # the assistant's home: sign-ups to review
    card = desk.locator(f"#signup-{signup.pk}")
    expect(card).to_contain_text("钱多多")
    expect(card).to_contain_text("139****6666")
    expect(card.locator(".signup-unverified")).to_be_visible()
    card.locator(f"#s{signup.pk}-decision_0").check()
    card.locator(f"#s{signup.pk}-resident").select_option(value=str(owner.pk))
    with desk.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(desk.locator(".alert-success")).to_contain_text("已通过")
    expect(desk.locator("#no-signups")).to_be_visible()

    resident_login(page, live_server, "13900006666", PASSWORD)
    expect(page.locator("main")).to_contain_text("阳光花园-1栋-1单元-201")
