"""#12 acceptance: a search for a ticket number, a phone number and 漏水 from the home page
finds them; the phone number never appears in a URL."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser

PHONE = "13812345678"


@pytest.fixture
def tickets(browser_world):
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.services import ticket_create

    categories = load_categories()

    def create(description, by, **extra):
        return ticket_create(
            by=by,
            kind="inquiry",
            channel="phone",
            category=categories["UTILITY"],
            title="",
            description=description,
            resident=browser_world.resident_a,
            room=browser_world.rooms_a[0],
            **extra,
        )

    # Answered at first contact by the manager: closed, in none of the specialist's open
    # queues.
    leak = create("卫生间漏水,楼下天花板在滴水", browser_world.manager, answer="已告知")
    assert leak.closed_at is not None
    lift = create("电梯按钮失灵", browser_world.specialist)
    return leak, lift


def _search(page, text):
    box = page.locator("#global-q")
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")


def test_search_from_the_home_page(page, live_server, browser_world, tickets):
    leak, lift = tickets
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/")

    _search(page, lift.number)  # a ticket number: a URL to share
    assert page.url.endswith(f"/search/?q={lift.number}")
    expect(page.locator("#found-tickets")).to_contain_text(lift.number)
    page.locator("#found-tickets a", has_text=lift.number).click()
    expect(page).to_have_url(f"{live_server.url}/tickets/{lift.pk}/")

    page.goto(f"{live_server.url}/")
    _search(page, "漏水")  # words: the closed leak, found outside every open queue
    assert "/search/?q=" in page.url
    expect(page.locator("#found-tickets")).to_contain_text(leak.number)
    expect(page.locator("#found-tickets")).not_to_contain_text(lift.number)

    page.goto(f"{live_server.url}/")
    _search(page, PHONE)  # a phone: answered in place, never in a URL
    assert page.url == f"{live_server.url}/search/"
    expect(page.locator("#found-tickets")).to_contain_text(leak.number)
    expect(page.locator("#found-tickets")).to_contain_text(lift.number)
    expect(page.locator("#found-residents")).to_contain_text("138****5678")
    expect(page.locator("#found-residents")).not_to_contain_text(PHONE)
    assert not [url for url in urls if "5678" in url]
