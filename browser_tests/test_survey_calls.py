"""Acceptance (issue #5): a specialist works the phone call list — one completed survey, one
"no answer, call back at …" — and the response rate on the live progress page updates."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_campaign(browser_world, smtp):
    from django.apps import apps
    from django.utils import timezone

    from wuyedesk.surveys import defaults, services
    from wuyedesk.testing import make_resident

    world = browser_world
    make_resident(world.rooms_a[1], name="王芳", phone="13700000001")
    make_resident(world.rooms_a[2], name="赵敏", phone="13700000002")
    version = defaults.ensure_demo_questionnaire(
        apps.get_model, published_at=timezone.now() - dt.timedelta(days=1)
    )
    campaign = services.campaign_create(
        by=world.manager,
        name="2026Q4 满意度调查",
        version=version,
        communities=[world.a],
        quarter="2026Q4",
    )
    services.campaign_open(by=world.manager, campaign=campaign)
    return campaign, version


def test_specialist_works_the_call_list(page, live_server, browser_world, phone_campaign, context):
    from wuyedesk.surveys.models import CallAttempt, Invitation, Response

    campaign, version = phone_campaign
    world = browser_world
    login(page, live_server, "specialist")

    # The manager's progress page, open in a second tab, refreshes itself (htmx).
    progress = context.new_page()
    progress.goto(f"{live_server.url}/surveys/campaigns/{campaign.pk}/")
    expect(progress.locator("#response-rate")).to_have_text("0.0%")

    page.goto(f"{live_server.url}/surveys/")
    page.click(f"a[href='/surveys/campaigns/{campaign.pk}/']")
    page.click("text=电话调查名单")
    rows = page.locator("#call-list tbody tr[data-invitation]")
    expect(rows).to_have_count(3)

    # 1. 赵敏 answers the whole survey on the phone.
    zhao = Invitation.objects.get(campaign=campaign, room=world.rooms_a[2])
    page.click(f"tr[data-invitation='{zhao.pk}'] a")
    expect(page.locator("#resident-name")).to_have_text("赵敏")
    expect(page.locator("#pd-phone")).to_have_text("137****0002")
    for q in version.questions.all():
        if q.kind in ("rating_1_5", "nps_0_10"):
            page.check(f"input[name=q{q.pk}][value='{4 if q.kind == 'rating_1_5' else 8}']")
        elif q.kind in ("single", "multiple"):
            page.check(f"input[name=q{q.pk}][value='{q.choices[0]['value']}']")
        else:
            page.fill(f"textarea[name=q{q.pk}]", "希望垃圾清运更及时")
    with page.expect_navigation():
        page.click("button[value=answers]")
    expect(page.locator(".alert-success")).to_contain_text("答卷已保存")
    expect(page.locator("#response-rate")).to_have_text("33.3%")

    # 2. 张伟 does not pick up: call back tomorrow at 10:00.
    zhang = Invitation.objects.get(campaign=campaign, room=world.rooms_a[0])
    page.click(f"tr[data-invitation='{zhang.pk}'] a")
    page.select_option("select[name=outcome]", "call_back")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    page.fill("input[name=call_back_at]", f"{tomorrow}T10:00")
    page.fill("input[name=notes]", "无人接听,明早再打")
    with page.expect_navigation():
        page.click("button[value=attempt]")
    expect(page.locator(".alert-success")).to_contain_text("拨打记录已保存")
    row = page.locator(f"tr[data-invitation='{zhang.pk}']")
    expect(row).to_contain_text(f"{tomorrow} 10:00")
    expect(rows).to_have_count(2)

    expect(progress.locator("#response-rate")).to_have_text("33.3%", timeout=20_000)
    assert Response.objects.filter(channel="phone").count() == 1
    attempt = CallAttempt.objects.get(invitation=zhang)
    assert attempt.outcome == "call_back" and attempt.by == world.specialist
