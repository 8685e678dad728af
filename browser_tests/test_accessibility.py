"""Accessibility and fit of the main pages (issue #12 point 10 and acceptance): axe-core
(axe-playwright-python) finds no serious or critical violation on the main pages of every
post at 1366×768 and of the resident portal at 375×812, in Chinese and in English; none of
those pages scrolls sideways (staff pages at 1366 and 1280 px, the portal at 375 px), and at
1366 and 1280 px the menu stays on one row with no label broken.

One test per post: it logs in once, walks its pages in Chinese, switches to English through
the bar's button and walks them again; every problem of every page is gathered and reported
at once (rule id, impact and the elements' selectors)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser_tests.helpers import login, resident_login

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = {"serious", "critical"}
TICKET = "{ticket}"  # the ticket page: a ticket sent to a department, with its timeline
MEETING = "{meeting}"  # a meeting held yesterday with approved minutes and an action item
INSPECTION = "{inspection}"  # an open inspection of the ticket's handling

# The main pages of each post: the home, the ticket queue and a ticket, intake, the global
# search's results, the dashboard, the lists of reports, improvements and surveys the post
# has, and the settings pages of the manager and the administrator.
SEARCH = "/search/?q=%E6%BC%8F%E6%B0%B4"  # 漏水
MAIN_PAGES = {
    "manager": [
        "/",
        "/tickets/?queue=team",
        TICKET,
        "/tickets/new/",
        SEARCH,
        "/reports/",
        "/reports/surveys/",
        "/improvements/",
        "/surveys/",
        "/residents/",
        "/settings/policy/",
        "/settings/calendar/",
        "/settings/categories/",
        "/staff/",
        "/audit/",
        "/policies/",
        "/portal/staff/announcements/",
        "/supervision/",
        "/supervision/plans/",
        "/meetings/",
        MEETING,
        "/meetings/actions/",
        "/meetings/notices/",
        "/workplans/",
        "/workplans/reports/",
        "/archive/",
        "/archive/due/",
        "/staffing/",
        "/staffing/roster/",
        "/staffing/exceptions/",
        "/staffing/requests/",
        "/staffing/sheet/",
        "/training/",
        "/training/records/",
        "/appraisal/",
        "/appraisal/disputes/",
        "/rewards/",
        "/rewards/new/",
        "/recruitment/",
        "/recruitment/candidates/",
        "/recruitment/new/",
    ],
    "specialist": [
        "/",
        "/tickets/?queue=mine",
        TICKET,
        "/tickets/new/",
        SEARCH,
        "/residents/",
        "/surveys/",
        "/improvements/",
        "/knowledge/",
        "/calls/",
        "/notifications/",
        "/meetings/actions/",
        "/supervision/inspections/",
        "/staffing/",
        "/staffing/leave/new/",
        "/training/",
        "/appraisal/",
        "/rewards/",
    ],
    "assistant": [
        "/",
        "/tickets/",
        TICKET,
        "/tickets/new/",
        SEARCH,
        "/residents/",
        "/mail/",
        "/surveys/",
        "/portal/staff/signups/",
        "/data-quality/",
        "/import/",
        "/meetings/",
        MEETING,
        "/meetings/notices/new/",
        "/workplans/reports/",
        "/archive/",
        "/archive/new/",
        "/staffing/shifts/",
        "/staffing/import/",
        "/training/",
        "/training/sessions/new/",
        "/training/due/",
    ],
    "worker": [
        "/",
        "/tickets/?queue=department",
        TICKET,
        SEARCH,
        "/improvements/",
        "/meetings/actions/",
        "/staffing/",
        "/training/",
    ],
    "supervisor": [
        "/",
        "/tickets/",
        TICKET,
        SEARCH,
        "/reports/",
        "/improvements/",
        "/supervision/",
        "/supervision/inspections/",
        INSPECTION,
        "/supervision/inspections/new/",
        "/supervision/plans/",
        "/supervision/checklists/",
        "/supervision/calibrations/",
    ],
    "executive": [
        "/",
        "/reports/",
        "/reports/surveys/",
        TICKET,
        SEARCH,
        "/improvements/",
        "/surveys/",
        "/settings/policy/",
        "/supervision/",
        "/workplans/",
        "/workplans/reports/",
        "/appraisal/",
        "/rewards/",
        "/recruitment/",
    ],
    "admin": [
        "/",
        "/tickets/new/",
        SEARCH,
        "/staff/",
        "/settings/company/",
        "/settings/categories/",
        "/settings/policy/",
        "/settings/calendar/",
        "/settings/two-factor/",
        "/audit/",
        "/import/",
        "/account/password/",
        "/account/tokens/",
        "/account/two-factor/",
    ],
}
PORTAL_PAGES = [
    "/portal/",
    "/portal/tickets/",
    TICKET,
    "/portal/new/",
    "/portal/account/password/",
    "/portal/notifications/",
]


@pytest.fixture
def work(browser_world):
    from wuyedesk.accounts.choices import Post
    from wuyedesk.core.tests.test_permission_matrix import meeting_objects
    from wuyedesk.supervision.services.group import checklist_save, member_appoint
    from wuyedesk.supervision.services.inspections import inspection_create
    from wuyedesk.web.tests.work import fill_work

    fill_work(browser_world)
    # The supervisor as a member of the supervision group, who plans and inspects (SUP-1).
    member_appoint(by=browser_world.manager, user=browser_world.supervisor, remit="服务质量检查")
    meeting = meeting_objects(browser_world, browser_world.a)["meeting"]
    checklist_save(
        by=browser_world.manager,
        post=Post.SPECIALIST,
        title="专员检查表",
        items=[{"code": "G1", "text": "礼貌用语", "weight": 100}],
    )
    inspection = inspection_create(
        by=browser_world.supervisor,
        kind="ticket",
        person=browser_world.specialist,
        ticket=_ticket(browser_world),
    )
    browser_world.pages = {
        MEETING: f"/meetings/{meeting.pk}/",
        INSPECTION: f"/supervision/inspections/{inspection.pk}/",
    }
    return browser_world


def _violations(page, where: str) -> list[str]:
    """axe's serious and critical violations on the page, one line each.

    The page is first told its reader prefers reduced motion, which turns Bootstrap's
    transitions off: otherwise axe can read a button half-way back from its hover colours
    (after a click the page's new content moves it from under the pointer) and report a
    contrast no reader ever sees at rest."""
    page.emulate_media(reduced_motion="reduce")
    results = AXE.run(page)
    return [
        f"{where}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:5]}"
        f" — {v['nodes'][0]['failureSummary'].splitlines()[-1].strip()}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def _overflow(page, where: str) -> list[str]:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    return [f"{where}: {scroll}px wide at {inner}px"] if scroll > inner else []


def _menu_wraps(page, where: str) -> list[str]:
    """The bar's entries on one row and no label broken over two lines."""
    tops = page.eval_on_selector_all(
        "#nav .navbar-nav > .nav-item", "els => els.map(e => e.getBoundingClientRect().top)"
    )
    heights = page.eval_on_selector_all(
        "#nav .navbar-nav > .nav-item > .nav-link",
        "els => els.map(e => e.getBoundingClientRect().height)",
    )
    problems = []
    if not tops or max(tops) - min(tops) >= 4:
        problems.append(f"{where}: the menu wraps")
    if heights and max(heights) >= 48:
        problems.append(f"{where}: a menu label wraps")
    return problems


def _walk(page, live_server, paths, urls, *, language, widths):
    """Open each page at the first width; check the fit at every width (a resize reflows the
    page without reloading it); then, back at the first width, open every collapsed section
    and menu (the ticket page's action forms, the bar's groups) and run axe over all of it.
    Returns the problems found."""
    problems = []
    lang = "en" if language == "en" else "zh-CN"
    for path in paths:
        url = urls.get(path, path)
        where = f"{language} {url}"
        page.set_viewport_size(widths[0])
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, f"{where}: {response.status}"
        assert page.evaluate("document.documentElement.lang") == lang, where
        for i, size in enumerate(widths):
            if i:
                page.set_viewport_size(size)
                # The resize event's listeners (the dashboard's charts) run before a frame.
                page.evaluate(FRAME)
            at = f"{where} @{size['width']}"
            problems += _overflow(page, at)
            if size["width"] >= 1280:
                problems += _menu_wraps(page, at)
        if len(widths) > 1:
            page.set_viewport_size(widths[0])
        page.evaluate(OPEN_ALL)
        problems += _violations(page, f"{where} @{widths[0]['width']}")
    return problems


def _switch_to_english(page):
    with page.expect_navigation():
        page.click("nav button[name=language][value=en]")


def _ticket(world):
    """The ticket sent to engineering (fill_work): every post of community A sees it."""
    from wuyedesk.tickets.models import Ticket

    return Ticket.objects.filter(department=world.engineering).order_by("pk").first()


FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
OPEN_ALL = """() => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  document.querySelectorAll(".dropdown-menu").forEach(m => m.classList.add("show"));
}"""
STAFF_WIDTHS = [{"width": 1366, "height": 768}, {"width": 1280, "height": 768}]


@pytest.mark.parametrize("username", list(MAIN_PAGES))
def test_main_pages_have_no_serious_violations_and_fit(page, live_server, work, username):
    urls = {TICKET: f"/tickets/{_ticket(work).pk}/", **work.pages}
    login(page, live_server, username)
    problems = _walk(
        page, live_server, MAIN_PAGES[username], urls, language="zh", widths=STAFF_WIDTHS
    )
    _switch_to_english(page)
    problems += _walk(
        page, live_server, MAIN_PAGES[username], urls, language="en", widths=STAFF_WIDTHS
    )
    assert not problems, "\n".join(problems)


def test_portal_pages_have_no_serious_violations_and_fit(page, live_server, work):
    from wuyedesk.tickets.models import Ticket

    ticket = Ticket.objects.filter(resident=work.resident_a, channel="portal").first()
    widths = [{"width": 375, "height": 812}]
    page.set_viewport_size({"width": 375, "height": 812})
    resident_login(page, live_server, "13812345678")
    urls = {TICKET: f"/portal/tickets/{ticket.pk}/"}
    problems = _walk(page, live_server, PORTAL_PAGES, urls, language="zh", widths=widths)
    _switch_to_english(page)
    problems += _walk(page, live_server, PORTAL_PAGES, urls, language="en", widths=widths)
    assert not problems, "\n".join(problems)


def test_intake_with_a_caller_picked_has_no_serious_violations(page, live_server, work):
    """Intake's states after the page loads: the lookup's results, then the caller's tickets
    and the likely duplicates beside the form, in Chinese and English."""
    page.set_viewport_size(STAFF_WIDTHS[0])
    login(page, live_server, "specialist")
    problems = []
    for language, category in (("zh", "水电气"), ("en", "Water, power, gas")):
        if language == "en":
            _switch_to_english(page)
        page.goto(f"{live_server.url}/tickets/new/")
        page.fill("#lookup-q", "13812345678")
        results = page.locator("#lookup-results button")
        expect(results.first).to_be_visible()
        problems += _violations(page, f"{language} intake lookup")
        results.first.click()
        expect(page.locator("#caller-tickets")).to_contain_text("20")
        page.select_option("#id_category", label=category)
        expect(page.locator("#likely-duplicates")).to_be_visible()
        problems += _overflow(page, f"{language} intake with a caller")
        problems += _violations(page, f"{language} intake with a caller")
    assert not problems, "\n".join(problems)
