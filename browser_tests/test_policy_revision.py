"""A revision of the regulation in Chromium (issue #14, first acceptance point, POL-2): the
manager changes the follow-up from 24 h to 12 h in a draft, the engineering department
comments, an executive returns it, the manager edits, the executive approves with an
effective time. Before that time the settings in force still say 24 h, from it 12 h (new
inquiries then, existing ones keep theirs: policies/tests/test_workflow.py, with a moved
clock)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.helpers import login, logout

pytestmark = pytest.mark.browser


def _click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_manager_revises_department_comments_executive_returns_then_approves(
    page, live_server, browser_world
):
    from wuyedesk.policies.models import PolicyVersion
    from wuyedesk.policies.services import policy, policy_at

    base = live_server.url
    login(page, live_server, "manager")
    page.goto(f"{base}/settings/policy/")
    expect(
        page.locator('#policy-current tr[data-field="inquiry_follow_up_hours"] td').first
    ).to_have_text("24")
    _click(page, "#propose")
    draft = PolicyVersion.objects.get(status="draft")
    assert page.url.endswith(f"/policies/versions/{draft.pk}/edit/")

    _click(page, "#edit-settings")
    page.fill("#policy-form input[name=inquiry_follow_up_hours]", "12")
    _click(page, "#policy-form button[type=submit]")
    _click(page, "#add-section")
    page.fill("#section-form input[name=heading]", "咨询跟进")
    page.fill("#section-form textarea[name=body]", "<p>在跟进时限内向住户反馈进展。</p>")
    page.fill("#section-form input[name=requirements]", "INQ-4")
    _click(page, "#section-form button[type=submit]")

    page.goto(f"{base}/policies/versions/{draft.pk}/")
    page.get_by_label("工程部").check()
    _click(page, "#consult-form button[type=submit]")
    expect(page.locator("h1 [data-status]")).to_have_text("征求意见中")
    logout(page)

    login(page, live_server, "worker")
    page.goto(f"{base}/policies/versions/{draft.pk}/")
    page.select_option("#comment-form select[name=comment-section]", label="咨询跟进")
    page.fill("#comment-form textarea[name=comment-body]", "夜间报修多,建议写明夜间来电的跟进方式")
    _click(page, "#comment-form button[type=submit]")
    expect(page.locator("#policy-sections")).to_contain_text("夜间报修多")
    logout(page)

    login(page, live_server, "manager")
    page.goto(f"{base}/policies/versions/{draft.pk}/")
    _click(page, "#submit-form button[type=submit]")
    expect(page.locator("h1 [data-status]")).to_have_text("待审批")
    logout(page)

    login(page, live_server, "executive")
    expect(page.locator("#policy-approvals")).to_contain_text("1 个制度修订待您审批")
    page.goto(f"{base}/policies/versions/{draft.pk}/")
    expect(page.locator('#version-settings tr[data-changed="1"]')).to_contain_text("12")
    page.fill("#return-form textarea[name=return-comment]", "请按工程部意见补充夜间安排")
    _click(page, "#return-form button[type=submit]")
    expect(page.locator("h1 [data-status]")).to_have_text("已退回")
    logout(page)

    login(page, live_server, "manager")
    page.goto(f"{base}/policies/versions/{draft.pk}/edit/")
    _click(page, "#edit-sections a")
    page.fill(
        "#section-form textarea[name=body]",
        "<p>在跟进时限内向住户反馈进展;夜间来电次日上午跟进。</p>",
    )
    _click(page, "#section-form button[type=submit]")
    page.goto(f"{base}/policies/versions/{draft.pk}/")
    expect(page.locator("h1 [data-status]")).to_have_text("草稿")  # the review restarted
    _click(page, "#submit-form button[type=submit]")
    logout(page)

    login(page, live_server, "executive")
    page.goto(f"{base}/policies/versions/{draft.pk}/")
    effective = (timezone.localtime() + dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    page.fill(
        "#approve-form input[name=approve-effective_at]", effective.strftime("%Y-%m-%dT%H:%M")
    )
    _click(page, "#approve-form button[type=submit]")
    expect(page.locator("h1 [data-status]")).to_have_text("已批准待生效")
    steps = page.locator("#policy-steps li").evaluate_all("els => els.map(e => e.dataset.to)")
    assert steps == [
        "draft",
        "consultation",
        "submitted",
        "returned",
        "draft",  # the manager's edit restarted the review
        "submitted",
        "approved",
    ]

    draft.refresh_from_db()
    assert draft.effective_at == effective
    assert policy().inquiry_follow_up_hours == 24
    assert policy_at(effective - dt.timedelta(minutes=1)).inquiry_follow_up_hours == 24
    assert policy_at(effective).inquiry_follow_up_hours == 12
