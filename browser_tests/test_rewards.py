"""Rewards and penalties in Chromium (issue #16 point 5, MGT-7, MGT-8), through the pages'
own forms and buttons: the manager proposes a commendation for a specialist and approves
it; the specialist finds it on the home, in the notifications and in the history of their
staff profile. A bonus needs the executive's approval too. A warning is open to appeal:
the specialist appeals it and the manager finds the appeal waiting on the home."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login, logout

pytestmark = pytest.mark.browser


def _click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _propose(page, live_server, kind, facts, reason, amount=""):
    """The manager's 提出奖惩 form, reached from the rewards list; ends on the record."""
    page.goto(f"{live_server.url}/")
    page.click("#menu-work")  # 工作 menu
    _click(page, "#menu-work + .dropdown-menu a:text('奖惩')")
    _click(page, "#propose-link")
    form = page.locator("#propose-form")
    form.locator("select[name=staff]").select_option(label="刘专员")
    form.locator("select[name=kind]").select_option(kind)
    if amount:
        form.locator("input[name=amount]").fill(amount)
    form.locator("textarea[name=facts]").fill(facts)
    form.locator("textarea[name=reason]").fill(reason)
    _click(page, "#propose-form button[type=submit]")
    expect(page.locator("#measure-status")).to_have_text("待经理审批")
    return page.url


def _approve(page, remarks, status):
    page.fill("#decision-form textarea[name=remarks]", remarks)
    _click(page, "#decision-form button.btn-success")
    expect(page.locator("#measure-status")).to_have_text(status)


def test_a_commendation_reaches_the_specialist(page, live_server, browser_world):
    world = browser_world
    login(page, live_server, "manager")
    record = _propose(page, live_server, "commendation", "连续三个月回访零差评", "服务表现优秀")
    _approve(page, "同意表扬", "已生效")
    expect(page.locator("#measure-timeline")).to_contain_text("同意表扬")
    logout(page)

    login(page, live_server, "specialist")
    figure = page.locator('[data-figure="rewards_decided"]')
    expect(figure).to_have_attribute("data-count", "1")
    _click(page, "#notification-bell")
    expect(page.get_by_text("关于您的奖励决定:表扬。")).to_be_visible()
    page.goto(f"{live_server.url}/")
    _click(page, '[data-figure="rewards_decided"]')
    _click(page, "#measures a:text('表扬')")
    assert page.url == record
    expect(page.locator("#measure-fields")).to_contain_text("连续三个月回访零差评")
    expect(page.locator("#appeal-form")).to_have_count(0)  # a reward is not appealed
    page.goto(f"{live_server.url}/staff/{world.specialist.staff.pk}/")
    history = page.locator("#reward-history")
    expect(history).to_contain_text("表扬")
    expect(history).to_contain_text("已生效")


def test_a_bonus_takes_effect_once_the_executive_approves(page, live_server, browser_world):
    login(page, live_server, "manager")
    _propose(page, live_server, "bonus", "季度客户评价第一", "服务突出", amount="500")
    _approve(page, "同意,报管理层", "待管理层审批")
    logout(page)

    login(page, live_server, "executive")
    expect(page.locator('[data-figure="rewards_waiting"]')).to_have_attribute("data-count", "1")
    _click(page, '[data-figure="rewards_waiting"]')
    _click(page, "#measures a:text('奖金')")
    expect(page.locator("#measure-fields")).to_contain_text("500.00")
    _approve(page, "同意发放", "已生效")
    logout(page)

    login(page, live_server, "specialist")
    expect(page.locator('[data-figure="rewards_decided"]')).to_have_attribute("data-count", "1")
    _click(page, "#notification-bell")
    expect(page.get_by_text("关于您的奖励决定:奖金。")).to_be_visible()


def test_the_specialist_appeals_a_warning_and_the_manager_sees_it(page, live_server, browser_world):
    login(page, live_server, "manager")
    record = _propose(page, live_server, "warning", "3 张投诉工单超时未回访", "违反回访时限")
    _approve(page, "同意警告", "已生效")
    logout(page)

    login(page, live_server, "specialist")
    _click(page, "#notification-bell")
    expect(page.get_by_text("关于您的处理决定:警告。", exact=False)).to_be_visible()
    page.goto(record)
    page.fill("#appeal-form textarea[name=reason]", "超时是因为系统故障,已有工单记录为证")
    _click(page, "#appeal-form button[type=submit]")
    expect(page.locator("#measure-status")).to_have_text("申诉处理中")
    expect(page.locator("#appeal-form")).to_have_count(0)  # once only
    page.goto(f"{live_server.url}/staff/{browser_world.specialist.staff.pk}/")
    expect(page.locator("#reward-history")).to_contain_text("申诉处理中")
    logout(page)

    login(page, live_server, "manager")
    figure = page.locator('[data-figure="rewards_waiting"]')
    expect(figure).to_have_attribute("data-count", "1")
    _click(page, '[data-figure="rewards_waiting"]')
    _click(page, "#measures a:text('警告')")
    expect(page.locator("#measure-fields")).to_contain_text("系统故障")
    expect(page.locator("#appeal-decision-form")).to_be_visible()
