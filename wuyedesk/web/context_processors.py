"""The base page's context: the menu of the user's posts, the unread badge, the banner."""

import functools

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts import twofactor
from wuyedesk.accounts.access import has_post, is_staff_member, posts_of
from wuyedesk.accounts.choices import Post
from wuyedesk.notifications.selectors import unread_badge
from wuyedesk.tickets.selectors import severe_banner
from wuyedesk.web.home import HOME_ORDER

ALL = tuple(Post.values)
KEEPERS = (Post.ADMIN, Post.MANAGER, Post.ASSISTANT)
INTAKE = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER, Post.ADMIN)

# The menu's groups (issue #12): at most seven entries across the bar, in zh and en at
# 1280 px. Each post sees its own most used group first (GROUP_ORDER).
WORK, CUSTOMERS, QUALITY, REPORTS, SETTINGS = "work", "customers", "quality", "reports", "settings"
GROUPS = {
    WORK: _("工作"),
    CUSTOMERS: pgettext_lazy("menu", "客户"),
    QUALITY: _("质量"),
    REPORTS: _("报表"),
    SETTINGS: _("设置"),
}
GROUP_ORDER = {
    Post.SPECIALIST: (WORK, CUSTOMERS, QUALITY, REPORTS, SETTINGS),
    Post.MANAGER: (WORK, QUALITY, REPORTS, CUSTOMERS, SETTINGS),
    Post.ASSISTANT: (CUSTOMERS, QUALITY, WORK, REPORTS, SETTINGS),
    Post.DEPARTMENT: (WORK, QUALITY, CUSTOMERS, REPORTS, SETTINGS),
    Post.SUPERVISOR: (REPORTS, QUALITY, WORK, CUSTOMERS, SETTINGS),
    Post.EXECUTIVE: (REPORTS, QUALITY, WORK, CUSTOMERS, SETTINGS),
    Post.ADMIN: (SETTINGS, CUSTOMERS, WORK, QUALITY, REPORTS),
}

# (label, url name, kwargs, posts that see it, group; None: an entry of its own on the bar)
NAV = [
    (_("工作台"), "home", {}, ALL, None),
    (_("接听登记"), "ticket_intake", {}, INTAKE, None),
    (pgettext_lazy("plural", "工单"), "ticket_queue", {}, ALL, WORK),
    (_("邮件来信"), "mail_queue", {}, KEEPERS, WORK),
    (_("通话记录"), "call_list", {}, ALL, WORK),
    (_("知识库"), "knowledge_list", {}, ALL, WORK),
    (
        _("快捷回复"),
        "canned_list",
        {},
        (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER, Post.DEPARTMENT, Post.ADMIN),
        WORK,
    ),
    # #15 (SUP-3, AST-5): every post attends meetings and receives notices.
    (_("部门会议"), "meetings:meeting_list", {}, ALL, WORK),
    (_("内部通知"), "meetings:notice_list", {}, ALL, WORK),
    # MGR-2 (#16): the manager recruits for their department; executives read.
    (_("招聘"), "recruitment:opening_list", {}, (Post.MANAGER, Post.EXECUTIVE), WORK),
    # #16 (MGT-1, AST-5): everyone's own attendance (clock-in, requests); the roster and the
    # department's sheets are tabs of that page for the manager and the assistant.
    (_("排班与考勤"), "staffing:me", {}, ALL, WORK),
    (pgettext_lazy("plural", "住户"), "record_list", {"key": "residents"}, ALL, CUSTOMERS),
    (pgettext_lazy("plural", "房屋"), "record_list", {"key": "rooms"}, ALL, CUSTOMERS),
    (
        _("注册审核"),
        "portal:signup_queue",
        {},
        (Post.ASSISTANT, Post.MANAGER),
        CUSTOMERS,
    ),
    (
        _("公告"),
        "portal:announcements",
        {},
        (Post.MANAGER, Post.ASSISTANT, Post.SPECIALIST),
        CUSTOMERS,
    ),
    (
        _("满意度调查"),
        "surveys:campaign_list",
        {},
        (*KEEPERS, Post.SPECIALIST, Post.EXECUTIVE),
        QUALITY,
    ),
    (_("改进计划"), "improvement_list", {}, ALL, QUALITY),
    (_("数据质量"), "dataquality_worklist", {}, (Post.ASSISTANT, Post.MANAGER), CUSTOMERS),
    (
        _("客户档案"),
        "archive_list",
        {},
        (Post.ASSISTANT, Post.MANAGER, Post.SPECIALIST),
        CUSTOMERS,
    ),
    (_("监督检查"), "supervision:overview", {}, ALL, QUALITY),
    (_("季度考核"), "appraisal:index", {}, ALL, QUALITY),
    (_("制度文件"), "policy_list", {}, ALL, QUALITY),
    (
        _("数据看板"),
        "dashboard",
        {},
        (Post.MANAGER, Post.EXECUTIVE, Post.ADMIN, Post.SUPERVISOR),
        REPORTS,
    ),
    (
        _("满意度分析"),
        "survey_analysis_list",
        {},
        (*KEEPERS, Post.SPECIALIST, Post.EXECUTIVE),
        REPORTS,
    ),
    # MGR-1, AST-2 (#15): plans for the posts that read them (workplans.selectors), reports too.
    (
        _("工作计划"),
        "workplan_list",
        {},
        (Post.MANAGER, Post.ASSISTANT, Post.EXECUTIVE, Post.SPECIALIST),
        REPORTS,
    ),
    (_("工作报告"), "workreport_list", {}, (Post.MANAGER, Post.ASSISTANT, Post.EXECUTIVE), REPORTS),
    # MGT-7, MGT-8 (#16): everyone sees their own records; managers and executives decide.
    (_("奖惩"), "rewards:list", {}, ALL, WORK),
    # MGT-4, MGT-5 (#16): everyone's own training record; organisers run courses and sessions.
    (_("培训"), "training_home", {}, ALL, WORK),
    (pgettext_lazy("plural", "小区"), "record_list", {"key": "communities"}, ALL, SETTINGS),
    (pgettext_lazy("plural", "部门"), "record_list", {"key": "departments"}, ALL, SETTINGS),
    (
        _("员工"),
        "record_list",
        {"key": "staff"},
        (Post.ADMIN, Post.MANAGER, Post.EXECUTIVE, Post.SUPERVISOR),
        SETTINGS,
    ),
    (_("批量导入"), "import_start", {}, KEEPERS, SETTINGS),
    (_("服务时限"), "policy_settings", {}, (Post.MANAGER, Post.ADMIN, Post.EXECUTIVE), SETTINGS),
    (_("工单分类"), "category_tree", {}, (Post.MANAGER, Post.ADMIN), SETTINGS),
    (_("工作日历"), "calendar_days", {}, (Post.ADMIN, Post.MANAGER, Post.EXECUTIVE), SETTINGS),
    (_("审计日志"), "audit_list", {}, (Post.ADMIN, Post.MANAGER), SETTINGS),
    (_("访问日志"), "access_log", {}, (Post.ADMIN, Post.MANAGER), SETTINGS),
    (_("公司设置"), "company_settings", {}, (Post.ADMIN,), SETTINGS),
]
# How many unacknowledged major complaints/emergencies the banner names; more are counted.
BANNER_ROWS = 3
BANNER_CAP = 10


@functools.lru_cache(maxsize=256)
def _menu(posts: frozenset, language: str) -> tuple[tuple[str, str, str | None], ...]:
    """(label, url, group) of the entries these posts see, the groups in the order of the
    first post of HOME_ORDER they hold. Labels and urls only change with a deploy, so each
    combination of posts and language is worked out once per process."""
    post = next(p for p in HOME_ORDER if p.value in posts)
    rank = {group: i for i, group in enumerate(GROUP_ORDER[post])}
    entries = [
        (str(label), reverse(name, kwargs=kwargs), group)
        for label, name, kwargs, allowed, group in NAV
        if posts & {str(p) for p in allowed}
    ]
    # Entries of their own first (in NAV's order), then each group's (sorted is stable).
    return tuple(sorted(entries, key=lambda e: -1 if e[2] is None else rank[e[2]]))


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_staff_member(user):
        return {"nav": [], "nav_bar": []}
    if twofactor.pending(user):  # only the second step is open: no menu, no screen pop
        return {"nav": [], "nav_bar": []}
    path = request.path
    menu = _menu(posts_of(user), get_language())
    # The most specific entry is the current one (/tickets/new/ is 接听登记, not 工单).
    matching = (
        url for _label, url, _g in menu if path == url or (url != "/" and path.startswith(url))
    )
    active = max(matching, key=len, default=None)
    nav, bar, html = _drawn_menu(posts_of(user), get_language(), active)
    return {"nav": nav, "nav_bar": bar, "menu_html": html, **_notices(user)}


def _entries(menu, active: str | None) -> list[dict]:
    return [
        {"label": label, "url": url, "active": url == active, "group": group}
        for label, url, group in menu
    ]


@functools.lru_cache(maxsize=1024)
def _drawn_menu(posts: frozenset, language: str, active: str | None) -> tuple:
    """The entries, the bar and the bar as drawn by web/_menu.html, once per posts, language
    and current entry (like `_menu`, they change only with a deploy): drawing the thirty
    entries was a tenth of a plain staff page, and listing and grouping them again for each
    page 0.07 ms more (bench/README.md, issue #12 Speed). Shared by every page that asks:
    nothing changes them."""
    nav = _entries(_menu(posts, language), active)
    bar = _bar(nav)
    return nav, bar, render_to_string("web/_menu.html", {"nav_bar": bar})


def _bar(nav: list[dict]) -> list[dict]:
    """The bar: entries of their own, then one dropdown per group (a group of one entry is
    that entry)."""
    bar, groups = [], {}
    for item in nav:
        if item["group"] is None:
            bar.append(item)
            continue
        group = groups.get(item["group"])
        if group is None:
            group = {"key": item["group"], "label": str(GROUPS[item["group"]]), "entries": []}
            groups[item["group"]] = group
            bar.append(group)
        group["entries"].append(item)
    for entry in bar:
        if "entries" in entry:
            entry["active"] = any(item["active"] for item in entry["entries"])
    return [e["entries"][0] if "entries" in e and len(e["entries"]) == 1 else e for e in bar]


def _notices(user) -> dict:
    """The unread badge (one bounded count) and, for the manager, the banner of major
    complaints and emergencies not yet acknowledged (one query, none for other posts)."""
    severe = severe_banner(user, BANNER_CAP + 1) if has_post(user, Post.MANAGER) else []
    unread = unread_badge(user)
    return {
        "unread_notifications": unread,
        "unread_overflow": unread > 99,
        "severe_banner": severe[:BANNER_ROWS],
        "severe_count": len(severe),
        "severe_overflow": len(severe) > BANNER_CAP,
    }
