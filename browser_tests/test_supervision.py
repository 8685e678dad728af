"""The supervision group in Chromium (issue #15, first acceptance point, SUP-1): the plan
samples 5 tickets of a specialist for the month; a supervisor scores one with a critical
fail; the rectification appears in the specialist's My work; the specialist answers and
marks it done; the manager verifies it."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.helpers import login, logout

pytestmark = pytest.mark.browser


def _click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _setup(world):
    from wuyedesk.accounts.choices import Post
    from wuyedesk.supervision.services.group import checklist_save, member_appoint
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.services import ticket_create

    member_appoint(by=world.manager, user=world.supervisor, remit="客服部服务质量检查")
    checklist_save(
        by=world.manager,
        post=Post.SPECIALIST,
        title="客服专员检查表",
        items=[
            {"code": "G1", "text": "礼貌用语规范", "weight": 40},
            {"code": "G2", "text": "按时限跟进", "weight": 60, "critical": True},
        ],
    )
    categories = load_categories()
    for n in range(7):
        ticket_create(
            by=world.specialist,
            kind="inquiry",
            channel="phone",
            category=categories["UTILITY"],
            title="",
            description=f"第 {n} 户卫生间漏水",
            resident=world.resident_a,
            room=world.rooms_a[0],
        )


def test_plan_sample_critical_fail_rectification_answer_and_verification(
    page, live_server, browser_world
):
    from wuyedesk.improvements.models import ImprovementItem
    from wuyedesk.supervision.models import Inspection

    world = browser_world
    _setup(world)
    base = live_server.url

    login(page, live_server, "supervisor")
    page.goto(f"{base}/supervision/plans/")
    page.fill("#plan-form input[name=month]", timezone.localdate().strftime("%Y-%m"))
    page.fill("#plan-form input[name=tickets_per_person]", "5")
    page.fill("#plan-form input[name=calls_per_person]", "0")
    page.fill("#plan-form input[name=seed]", "2026")
    page.select_option("#plan-form select[name=people]", label="刘专员")
    _click(page, "#plan-form button[type=submit]")
    expect(page.locator('#plan-progress [data-state="sampled"]')).to_be_visible()
    expect(page.locator("#plan-sample tr[data-row]")).to_have_count(5)

    _click(page, "#plan-sample tr[data-row] a >> nth=0")
    inspection = Inspection.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    page.select_option('fieldset[data-item="G1"] select', "pass")
    page.select_option('fieldset[data-item="G2"] select', "fail")
    page.fill('fieldset[data-item="G2"] input[name^=evidence_]', "工单时间线")
    page.fill('fieldset[data-item="G2"] input[name^=comment_]', "超过跟进时限")
    _click(page, "#score-form button[type=submit]")
    _click(page, "#close-form button[type=submit]")
    expect(page.locator("#inspection-score")).to_have_text("0.0")
    expect(page.locator("#inspection-findings")).to_contain_text("按时限跟进")
    item = ImprovementItem.objects.get()
    assert item.owner_id == world.specialist.pk and item.source == "inspection"
    logout(page)

    login(page, live_server, "specialist")
    mine = page.locator('[data-figure="my_items"]')
    expect(mine).to_have_attribute("data-count", "1")
    _click(page, '[data-figure="my_items"]')
    expect(page.locator("#improvement-list")).to_contain_text("按时限跟进")
    page.goto(f"{base}/supervision/inspections/{inspection.pk}/")
    page.fill("#answer-form textarea[name=text]", "已复盘,今后按时限跟进。")
    _click(page, "#answer-form button[type=submit]")
    expect(page.locator("#inspection-answer")).to_contain_text("已复盘")
    page.goto(f"{base}/improvements/{item.pk}/")
    page.fill("#progress-form textarea[name=text]", "已完成时限培训")
    page.select_option("#progress-form select[name=status]", "done")
    _click(page, "#progress-form button[type=submit]")
    logout(page)

    login(page, live_server, "manager")
    page.goto(f"{base}/improvements/{item.pk}/")
    page.check("#verify-form input[name=effective][value='1']")
    page.fill("#verify-form textarea[name=note]", "抽查后续工单均按时跟进")
    _click(page, "#verify-form button[type=submit]")
    item.refresh_from_db()
    assert item.status == "effective"
    page.goto(f"{base}/supervision/inspections/{inspection.pk}/")
    expect(page.locator("#inspection-answer")).to_contain_text("已复盘")
