"""Issue #4 acceptance on a phone-sized screen (375×812): a resident signs up and is linked by
their number once they enter the code sent to it (#11), submits a complaint with a photo,
sees it acknowledged with its number and deadline, gets the staff reply, rates it; the staff
side sees the rating on the ticket page and on the manager's dashboard."""

import os

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("WUYEDESK_SCREENSHOTS")
PNG = (  # a real 1×1 PNG
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _watch(page):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
    return problems


def _fits(page):
    """Nothing wider than the phone: no sideways scrolling."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px screen: {page.url}"


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"portal-{name}.png"), full_page=True)


def test_resident_signs_up_complains_with_photo_gets_reply_and_rates(
    browser, live_server, browser_world, tmp_path, settings, sms_gateway
):
    from wuyedesk.channels.models import Rating
    from wuyedesk.testing import make_resident
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.models import Ticket

    settings.MEDIA_ROOT = tmp_path / "media"
    world = browser_world
    load_categories()
    room = world.rooms_a[2]
    make_resident(room, name="赵敏", phone="13900002222")
    photo = tmp_path / "噪音现场.png"
    photo.write_bytes(PNG)

    phone = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="en-US", is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.set_default_timeout(10_000)
    problems = _watch(page)

    # Sign-up: community → building → room, each list loaded for the one chosen before.
    page.goto(f"{live_server.url}/portal/signup/")
    expect(page.locator("h1")).to_have_text("业主注册")
    page.fill("#id_mobile", "139 0000 2222")
    page.fill("#id_name", "赵敏")
    page.select_option("#id_community", label="阳光花园")
    expect(page.locator("#id_building option", has_text="1栋")).to_have_count(1)
    page.select_option("#id_building", label="1栋")
    expect(page.locator(f"#id_room option[value='{room.pk}']")).to_have_count(1)
    page.select_option("#id_room", value=str(room.pk))
    page.fill("#id_password", "Sunny-day-2026")
    _fits(page)
    _shot(page, "signup")
    with page.expect_navigation():
        page.click("#signup-form button[type=submit]")
    # The number is proven with the code the SMS gateway received (#11 point 1).
    expect(page.locator("#code-sent")).to_contain_text("139****2222")
    _fits(page)
    _shot(page, "signup-code")
    page.fill("#id_code", sms_gateway.code_for("13900002222"))
    with page.expect_navigation():
        page.click("#code-form button[type=submit]")
    assert page.url == f"{live_server.url}/portal/"
    expect(page.locator(".alert-success")).to_contain_text("注册成功")
    expect(page.locator("main")).to_contain_text("阳光花园-1栋-1单元-301")
    _fits(page)

    # A complaint with a photo.
    page.click("#portal-submit")
    page.locator("label", has_text="投诉").click()
    page.select_option("#id_category", label="噪音")
    page.fill("#id_description", "每晚十一点后楼上有拖动家具的声音")
    page.set_input_files("#id_photos", str(photo))
    _fits(page)
    with page.expect_navigation():
        page.click("#submit-form button[type=submit]")
    ticket = Ticket.objects.get()
    assert page.url == f"{live_server.url}/portal/tickets/{ticket.pk}/"
    expect(page.locator(".alert-success")).to_contain_text(f"已受理,工单编号 {ticket.number}")
    expect(page.locator("#ticket-number")).to_have_text(ticket.number)
    expect(page.locator("#timeline [data-kind='created']")).to_contain_text("登记")
    # #12 point 8: the photo is a thumbnail (its name is the image's alt text), not a file name.
    expect(page.locator("#timeline img[alt='噪音现场.png']")).to_have_count(1)
    expect(page.locator(".promised-deadline").first).to_contain_text("北京时间")
    assert ticket.kind == "complaint" and ticket.attachments.count() == 1
    _fits(page)
    _shot(page, "acknowledged")

    # The desk answers on the staff ticket page (a message the customer sees).
    desk = browser.new_context(locale="en-US")
    staff = desk.new_page()
    staff.set_default_timeout(10_000)
    staff.on("dialog", lambda dialog: dialog.accept())  # #12: "把这条消息发给工单 … 的业主?"
    login(staff, live_server, "specialist")
    staff.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    staff.locator("#message summary").click()
    staff.fill("#message textarea", "您好,已联系楼上住户,今晚起会注意。")
    with staff.expect_navigation():
        staff.click("#message button[type=submit]")

    # The resident sees the reply and rates the handling.
    page.reload()
    expect(page.locator("#timeline")).to_contain_text("您好,已联系楼上住户,今晚起会注意。")
    page.locator("label[for='id_stars_3']").click()  # the fourth: 4 stars
    page.fill("#rate textarea", "回复很快")
    with page.expect_navigation():
        page.click("#rate button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("感谢您的评价")
    expect(page.locator("#my-rating")).to_contain_text("4/5")
    expect(page.locator("#rate")).to_have_count(0)
    assert Rating.objects.get().stars == 4
    _fits(page)
    _shot(page, "rated")
    assert problems == []

    # The staff side: the rating on the ticket page and on the manager's dashboard.
    staff.reload()
    expect(staff.locator("#ticket-rating")).to_contain_text("4 星")
    expect(staff.locator("#ticket-rating")).to_contain_text("回复很快")
    manager = browser.new_context(locale="en-US").new_page()
    manager.set_default_timeout(10_000)
    login(manager, live_server, "manager")
    manager.goto(f"{live_server.url}/reports/")
    expect(manager.locator("#rating-average")).to_contain_text("4.0 ★")
    expect(manager.locator("#rating-average a")).to_have_text("1")
