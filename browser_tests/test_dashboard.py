"""#12 point 5: the dashboard's charts show their values and speak the reader's language
(no Chinese legend in English); "overdue now" stands apart from the period."""

import re

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def tickets(browser_world):
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.services import ticket_create

    categories = load_categories()
    for kind, category in (
        ("inquiry", "UTILITY"),
        ("inquiry", "UTILITY"),
        ("complaint", "ATTITUDE"),
    ):
        ticket_create(
            by=browser_world.specialist,
            kind=kind,
            channel="phone",
            category=categories[category],
            title="",
            description="卫生间漏水",
            resident=browser_world.resident_a,
            room=browser_world.rooms_a[0],
        )


def test_charts_show_values_in_english(page, live_server, browser_world, tickets):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "manager")
    with page.expect_navigation():
        page.click("nav button[name=language][value=en]")
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("#overdue-now")).to_be_visible()
    kind = page.locator("[data-chart=kind] svg text")
    expect(kind.first).to_be_visible()
    texts = []
    for chart in ("trend", "kind", "status", "category"):
        texts += page.eval_on_selector_all(
            f"[data-chart={chart}] svg text", "els => els.map(e => e.textContent)"
        )
    assert "Inquiry: 2" in texts and "Complaint: 1" in texts, texts
    assert not [t for t in texts if CJK.search(t)], texts
