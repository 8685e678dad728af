"""Intake on the phone in a real browser: look up by number, pick, describe, take a suggested
answer from the knowledge base, save — the inquiry is closed at first contact."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


def test_phone_intake_answered_from_the_knowledge_base(page, live_server, browser_world):
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.knowledge.services import load_demo_articles
    from wuyedesk.tickets.models import Ticket

    load_categories()
    load_demo_articles(by=browser_world.admin)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/tickets/new/")

    expect(page.locator("#lookup-q")).to_be_focused()
    page.keyboard.type("138 1234 5678")
    pick = page.locator("#lookup-results button", has_text="阳光花园-1栋-1单元-101")
    pick.click()
    expect(page.locator("#intake-contact")).to_contain_text("张伟")

    page.select_option("#id_category", label="停车")
    page.fill("#id_description", "业主问停车月卡怎么办理")
    suggestion = page.locator("#kb-suggestions li", has_text="停车月卡怎么办理")
    suggestion.get_by_role("button", name="插入答复").click()
    expect(page.locator("#id_answer")).to_be_focused()
    assert page.locator("#id_answer").input_value().startswith("请携带行驶证")

    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    ticket = Ticket.objects.get()
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
    assert ticket.first_contact_resolution and ticket.resident == browser_world.resident_a
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_screen_pop_phone_leaves_the_address_bar(page, live_server, browser_world):
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/tickets/new/?phone=13812345678")
    assert "13812345678" not in page.url
    expect(page.locator("#intake-contact")).to_contain_text("张伟")
