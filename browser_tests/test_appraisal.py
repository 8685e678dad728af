"""The quarterly appraisal in Chromium (issue #16, second acceptance point, MGT-9): the
manager opens the quarter's cycle, reviews and publishes the specialist's appraisal; the
specialist contests one rating (given for another person's ticket); the manager accepts;
the score changes and the history shows both values and the reasons."""

import pytest
from playwright.sync_api import expect

from browser_tests.helpers import login, logout

pytestmark = pytest.mark.browser


def _click(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_the_specialist_contests_a_rating_and_the_manager_accepts(page, live_server, browser_world):
    from wuyedesk.appraisal.models import Appraisal, Item
    from wuyedesk.appraisal.tests.conftest import make_records

    world = make_records(browser_world)
    base = live_server.url

    # The manager opens the previous quarter's cycle now (the form proposes it).
    login(page, live_server, "manager")
    page.goto(f"{base}/appraisal/")
    _click(page, "#cycle-open-form button[type=submit]")
    expect(page.locator('#cycle-progress [data-state="computed"]')).to_be_visible()
    _click(page, "#cycle-appraisals a:text('刘专员')")
    expect(page.locator("#appraisal-total")).to_have_text("73.3")
    page.fill("#review-form input[name=rating]", "70")
    page.fill("#review-form textarea[name=reason]", "礼貌用语偶有疏漏")
    _click(page, "#review-form button[type=submit]")
    expect(page.locator("#appraisal-total")).to_have_text("72.3")
    _click(page, "#publish-form button[type=submit]")
    expect(page.locator("#appraisal-status")).to_have_text("已发布")
    logout(page)

    # The specialist finds it on the home, sees the records behind it and contests one.
    appraisal = Appraisal.objects.get(person=world.specialist)
    wrong = Item.objects.get(appraisal=appraisal, component="rating", ref_id=world.other_ticket.pk)
    login(page, live_server, "specialist")
    expect(page.locator('[data-figure="appraisal_published"]')).to_have_attribute("data-count", "1")
    _click(page, '[data-figure="appraisal_published"]')
    _click(page, f"#appraisal-listed a[href='/appraisal/{appraisal.pk}/']")
    row = page.locator(f'tr[data-item="{wrong.pk}"]')
    expect(row.locator(f"a[href='/tickets/{world.other_ticket.pk}/']")).to_be_visible()
    _click(page, f'[data-dispute="{wrong.pk}"]')
    expect(page.locator("#dispute-item")).to_contain_text(world.other_ticket.number)
    page.fill("#dispute-form textarea[name=comment]", "这是B专员的工单,不是我处理的")
    _click(page, "#dispute-form button[type=submit]")
    expect(page.locator(f'tr[data-item="{wrong.pk}"]')).to_contain_text("申诉中")
    logout(page)

    # The manager answers from the home's figure: accepted, with the reason.
    login(page, live_server, "manager")
    _click(page, '[data-figure="appraisal_disputes"]')
    _click(page, "#dispute-list a")
    form = page.locator("form.answer-form").first
    form.locator("select[name=decision]").select_option("accepted")
    form.locator("textarea[name=answer]").fill("核实为误归属,予以剔除")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#appraisal-total")).to_have_text("75.3")
    history = page.locator("#appraisal-history tr[data-row]").last
    expect(history).to_contain_text("72.3")
    expect(history).to_contain_text("75.3")
    expect(history).to_contain_text("不是我处理的")
    expect(history).to_contain_text("误归属")
    logout(page)

    # The specialist sees the new score, the record left out and the answer.
    login(page, live_server, "specialist")
    page.goto(f"{base}/appraisal/{appraisal.pk}/")
    expect(page.locator("#appraisal-total")).to_have_text("75.3")
    expect(page.locator(f'tr[data-item="{wrong.pk}"]')).to_contain_text("已剔除")
    expect(page.locator("#dispute-table")).to_contain_text("核实为误归属")


def test_a_row_of_many_records_fills_in_when_opened(page, live_server, browser_world):
    """Past REFS_INLINE records a row's list comes when the row is opened (htmx)."""
    from wuyedesk.appraisal.choices import Component
    from wuyedesk.appraisal.models import Appraisal
    from wuyedesk.appraisal.selectors import REFS_INLINE
    from wuyedesk.appraisal.services import workflow
    from wuyedesk.appraisal.tests.conftest import make_records, open_cycle

    world = make_records(browser_world)
    cycle = open_cycle(world.manager, previous=True)
    appraisal = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    workflow.review(by=world.manager, appraisal=appraisal, rating=80, reason="良好")
    workflow.publish(by=world.manager, appraisal=appraisal)
    row = appraisal.items.get(component=Component.FIRST_CONTACT, value=0)
    n = REFS_INLINE + 3
    row.refs = [[world.tickets[0].pk, f"N{k:04d}"] for k in range(n)]
    row.count = n
    row.save(update_fields=["refs", "count"])

    login(page, live_server, "specialist")
    page.goto(f"{live_server.url}/appraisal/{appraisal.pk}/")
    details = page.locator(f'[data-records="{row.pk}"]')
    expect(details.locator("[data-dispute-ref]")).to_have_count(0)
    details.locator("summary").click()
    expect(details.locator("[data-dispute-ref]")).to_have_count(n)
    expect(details).to_contain_text("N0032")
