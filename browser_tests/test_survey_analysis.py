"""The survey analysis in a real browser: ECharts draw under the CSP with no console error, and
a low 环境卫生 finding becomes an improvement item through its pre-filled form (#5)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


@pytest.fixture
def surveyed(browser_world):
    from wuyedesk.reports.tests import survey_fixture as sf

    world = browser_world
    sf.cleaning_department(world)
    previous = sf.campaign("2026Q1", dt.date(2026, 1, 1), [world.a, world.b])
    current = sf.campaign("2026Q2", dt.date(2026, 4, 1), [world.a, world.b])
    for campaign, cleaning in ((previous, (3, 3, 4)), (current, (1, 2, 2))):
        for room, score in zip(world.rooms_a, cleaning, strict=True):
            sf.answer(
                campaign, room, overall=3, nps=6, dims={"cleaning": score}, text="楼道垃圾太多"
            )
    return current


def test_charts_and_a_finding_to_an_improvement_item(page, live_server, surveyed):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/reports/surveys/{surveyed.pk}/")
    expect(page.locator(".chart[data-chart=trend] svg")).to_have_count(1)
    expect(page.locator(".chart[data-chart=dimensions] svg")).to_have_count(1)
    page.wait_for_timeout(300)
    assert errors == []

    with page.expect_navigation():
        page.locator("#survey-findings a.btn").first.click()
    expect(page.locator("#id_title")).to_have_value("提升阳光花园的环境卫生满意度")
    expect(page.locator("#id_department option:checked")).to_have_text("环境部")
    page.fill("#id_due", (dt.date.today() + dt.timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.click("#improvement-form button[type=submit]")
    expect(page.locator("#improvement-effect tr[data-when=before]")).to_contain_text("2026Q2")
