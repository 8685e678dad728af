"""A canned reply inserted in a reply box of the ticket page, filled for that ticket
(issue #12 point 7)."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


def test_canned_reply_inserted_in_the_message_box(page, live_server, browser_world):
    from wuyedesk.tickets import canned
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.services import ticket_create

    categories = load_categories()
    ticket = ticket_create(
        by=browser_world.specialist,
        kind="repair",
        channel="phone",
        category=categories["UTILITY"],
        title="",
        description="厨房水管漏水",
        resident=browser_world.resident_a,
        room=browser_world.rooms_a[0],
    )
    canned.canned_create(
        by=browser_world.specialist, title="已安排维修", body="{客户}您好,工单{工单号}已安排维修。"
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    action = page.locator("details#message")
    action.locator("summary").first.click()
    box = page.locator("#message-text")
    box.fill("补充:")
    picker = page.locator("[data-canned-for=message-text]")
    picker.get_by_role("button", name="插入快捷回复").click()
    picker.get_by_role("button", name="已安排维修").click()
    expect(box).to_have_value(f"补充:张伟您好,工单{ticket.number}已安排维修。")
    expect(box).to_be_focused()
    expect(picker.locator(".canned-options")).to_be_hidden()
    # Opened again, the list is there without a second request.
    picker.get_by_role("button", name="插入快捷回复").click()
    expect(picker.get_by_role("button", name="已安排维修")).to_be_visible()
    assert not [e for e in errors if "Content Security Policy" in e], errors
