"""Caller-ID screen pop in a real browser (issue #4, third acceptance point): the PBX reports a
call to the API with its integration token; the specialist on that extension sees the caller,
their rooms and open tickets on the page they are on, without reloading; the hang-up shows
the duration; one click opens the intake with the caller found."""

import datetime as dt

import httpx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


def test_screen_pop_appears_without_reload_and_opens_the_intake(page, live_server, browser_world):
    from wuyedesk.telephony.models import Call
    from wuyedesk.telephony.services import integration_create
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.services import ticket_create

    world = browser_world
    categories = load_categories()
    open_ticket = ticket_create(
        by=world.specialist,
        kind="repair",
        channel="phone",
        category=categories["UTILITY"],
        title="卫生间漏水",
        description="卫生间漏水,楼下天花板在滴水",
        resident=world.resident_a,
        room=world.rooms_a[0],
    )
    _integration, token = integration_create(by=world.admin, name="Asterisk", source="pbx")
    pbx = httpx.Client(base_url=live_server.url, headers={"Authorization": f"Bearer {token}"})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/tickets/")
    page.evaluate("window.__notReloaded = true")

    started = timezone.now()
    response = pbx.post(
        "/api/v1/telephony/calls",
        json={
            "caller": "138-1234-5678",
            "extension": world.specialist.staff.extension,
            "call_id": "1764230000.17",
            "started_at": started.isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["popped"] and response.json()["resident_found"]

    pop = page.locator("#screen-pop")
    expect(pop).to_contain_text("张伟", timeout=5_000)
    expect(pop).to_contain_text("138****5678")
    expect(pop).to_contain_text("阳光花园-1栋-1单元-101")
    expect(pop).to_contain_text(open_ticket.number)
    assert "13812345678" not in pop.inner_html()
    assert page.evaluate("window.__notReloaded") is True

    ended = started + dt.timedelta(seconds=75)
    response = pbx.post(
        "/api/v1/telephony/calls/1764230000.17/end",
        json={"ended_at": ended.isoformat(), "answered": True},
    )
    assert response.status_code == 200 and response.json()["duration"] == 75
    expect(page.locator("#pop-duration")).to_contain_text("1:15", timeout=5_000)
    assert page.evaluate("window.__notReloaded") is True

    call = Call.objects.get()
    with page.expect_navigation():
        page.locator("#pop-intake").click()
    assert page.url.endswith(f"/tickets/new/?call={call.pk}")
    assert "13812345678" not in page.url
    expect(page.locator("#intake-contact")).to_contain_text("张伟")
    expect(page.locator("#intake-contact")).to_contain_text("阳光花园-1栋-1单元-101")
    assert page.locator("#id_channel").input_value() == "phone"
    assert not [e for e in errors if "Content Security Policy" in e], errors
