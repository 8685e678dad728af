"""Revealing a resident's phone shows the full number and writes one audit entry."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


def test_specialist_reveals_phone_once_and_it_is_audited(page, live_server, browser_world):
    from wuyedesk.audit.models import AuditEntry

    resident = browser_world.resident_a
    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/residents/{resident.pk}/")

    phone = page.locator("#pd-phone")
    expect(phone).to_have_text("138****5678")
    assert not AuditEntry.objects.filter(action="reveal").exists()

    button = page.locator("[data-reveal=phone]")
    expect(button).to_have_text("显示")
    with page.expect_response(lambda r: "/reveal/phone/" in r.url) as reveal:
        button.click()

    assert reveal.value.status == 200
    expect(phone).to_have_text("13812345678")
    entries = AuditEntry.objects.filter(action="reveal")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor_id == browser_world.specialist.pk
    assert entry.object_id == resident.pk
