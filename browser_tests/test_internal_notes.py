"""Internal or to the customer, in Chromium (issue #11 point 9): the ticket page's text boxes
say who reads them and look it; a transfer note written there never reaches the resident's
portal, which shows only that the ticket was handed on."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login, logout, resident_login

pytestmark = pytest.mark.browser
NOTE = "请工程部今天上门,此户脾气大"


def _ticket(world):
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.services import ticket_create

    return ticket_create(
        by=world.specialist,
        kind="repair",
        channel="phone",
        category=load_categories()["UTILITY"],
        title="",
        description="卫生间漏水,楼下天花板在滴水",
        resident=world.resident_a,
        room=world.rooms_a[0],
    )


def _background(locator) -> str:
    return locator.evaluate("e => getComputedStyle(e).backgroundColor")


def test_a_transfer_note_stays_inside(page, live_server, browser_world):
    ticket = _ticket(browser_world)
    page.on("dialog", lambda dialog: dialog.accept())  # #12: "将工单 … 转交所选部门…?"
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")

    page.locator("#transfer summary").click()
    note = page.locator("#transfer textarea[name=note]")
    # #12 point 3: the note is the department's to read (部门可见), not the resident's.
    expect(page.locator("#transfer [data-audience-for=note]")).to_have_text("部门可见")
    page.locator("#message summary").click()
    message = page.locator("#message textarea[name=text]")
    expect(page.locator("#message [data-audience-for=text]")).to_have_text("客户可见")
    assert _background(note) != _background(message)  # internal boxes look apart

    page.select_option("#transfer select[name=department]", label="工程部")
    note.fill(NOTE)
    with page.expect_navigation():
        page.click("#transfer button[type=submit]")
    row = page.locator("#timeline [data-kind=transfer]")
    expect(row).to_contain_text(NOTE)
    expect(row).to_have_attribute("data-audience", "progress")
    logout(page)

    resident_login(page, live_server, "13812345678")
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(page.locator("#timeline [data-kind=transfer]")).to_contain_text("已转交工程部处理")
    expect(page.locator("main")).not_to_contain_text(NOTE)
