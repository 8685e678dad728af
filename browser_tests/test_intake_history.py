"""Intake at 1366x768 (issue #12 point 6): after picking the caller their tickets appear
beside the form, a likely duplicate is flagged and the call added to it in one click, the
answer-now box shows for inquiries only, and the save button stays in view."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


def _in_view(page, selector):
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (box, size)


def test_duplicate_flagged_and_call_added_to_it(page, live_server, browser_world):
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.models import Ticket, TicketEvent
    from wuyedesk.tickets.services import ticket_create

    categories = load_categories()
    earlier = ticket_create(
        by=browser_world.specialist,
        kind="repair",
        channel="phone",
        category=categories["UTILITY"],
        title="",
        description="厨房水管漏水",
        resident=browser_world.resident_a,
        room=browser_world.rooms_a[0],
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/tickets/new/")
    page.keyboard.type("13812345678")
    page.locator("#lookup-results button", has_text="阳光花园-1栋-1单元-101").click()
    expect(page.locator("#intake-contact")).to_contain_text("张伟")
    # The caller's tickets, fetched when the caller is chosen.
    expect(page.locator("#caller-tickets")).to_contain_text(earlier.number)
    _in_view(page, "#intake-save")

    # 当场解答 belongs to inquiries: hidden (and not sent) for a repair request.
    expect(page.locator("#id_answer")).to_be_visible()
    page.locator("label[for=kind-repair]").click()
    expect(page.locator("#id_answer")).to_be_hidden()
    page.locator("label[for=kind-inquiry]").click()
    expect(page.locator("#id_answer")).to_be_visible()
    page.locator("label[for=kind-repair]").click()

    page.select_option("#id_category", label="水电气")
    flag = page.locator("#likely-duplicates")
    expect(flag).to_contain_text(earlier.number)
    page.fill("#id_description", "又漏了,比昨天还严重")
    _in_view(page, "#intake-save")
    with page.expect_navigation():
        flag.get_by_role("button", name=f"本次来电追加到 {earlier.number}").click()
    assert page.url.endswith(f"/tickets/{earlier.pk}/")
    expect(page.locator("body")).to_contain_text("又漏了,比昨天还严重")
    assert Ticket.objects.count() == 1
    assert TicketEvent.objects.filter(ticket=earlier, body="又漏了,比昨天还严重").exists()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_save_button_in_view_for_an_inquiry_with_a_long_description(
    page, live_server, browser_world
):
    from wuyedesk.tickets.defaults import load_categories

    load_categories()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/tickets/new/")
    page.keyboard.type("13812345678")
    page.locator("#lookup-results button", has_text="阳光花园-1栋-1单元-101").click()
    expect(page.locator("#intake-contact")).to_contain_text("张伟")
    page.fill("#id_description", "问题\n" * 30)
    page.fill("#id_answer", "答复\n" * 30)
    _in_view(page, "#intake-save")
