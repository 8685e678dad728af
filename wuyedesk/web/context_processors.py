"""The base page's context: the menu of the user's posts, the unread badge, the banner."""

import functools

from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from wuyedesk.accounts import twofactor
from wuyedesk.accounts.access import has_post, is_staff_member, posts_of
from wuyedesk.accounts.choices import Post
from wuyedesk.notifications.selectors import unread_badge
from wuyedesk.tickets.selectors import severe_banner

ALL = tuple(Post.values)
KEEPERS = (Post.ADMIN, Post.MANAGER, Post.ASSISTANT)
INTAKE = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER, Post.ADMIN)

# (label, url name, kwargs, posts that see it)
NAV = [
    (_("工作台"), "home", {}, ALL),
    (pgettext_lazy("plural", "工单"), "ticket_queue", {}, ALL),
    (_("接听登记"), "ticket_intake", {}, INTAKE),
    (_("公告"), "portal:announcements", {}, (Post.MANAGER, Post.ASSISTANT, Post.SPECIALIST)),
    (_("注册审核"), "portal:signup_queue", {}, (Post.ASSISTANT, Post.MANAGER)),
    (_("邮件来信"), "mail_queue", {}, KEEPERS),
    (_("知识库"), "knowledge_list", {}, ALL),
    (_("通话记录"), "call_list", {}, ALL),
    (_("改进计划"), "improvement_list", {}, ALL),
    (_("满意度分析"), "survey_analysis_list", {}, (*KEEPERS, Post.SPECIALIST, Post.EXECUTIVE)),
    (_("数据看板"), "dashboard", {}, (Post.MANAGER, Post.EXECUTIVE, Post.ADMIN, Post.SUPERVISOR)),
    (_("满意度调查"), "surveys:campaign_list", {}, (*KEEPERS, Post.SPECIALIST, Post.EXECUTIVE)),
    (pgettext_lazy("plural", "住户"), "record_list", {"key": "residents"}, ALL),
    (pgettext_lazy("plural", "房屋"), "record_list", {"key": "rooms"}, ALL),
    (pgettext_lazy("plural", "小区"), "record_list", {"key": "communities"}, ALL),
    (pgettext_lazy("plural", "部门"), "record_list", {"key": "departments"}, ALL),
    (
        _("员工"),
        "record_list",
        {"key": "staff"},
        (Post.ADMIN, Post.MANAGER, Post.EXECUTIVE, Post.SUPERVISOR),
    ),
    (_("批量导入"), "import_start", {}, KEEPERS),
    (_("服务时限"), "policy_settings", {}, (Post.MANAGER, Post.ADMIN)),
    (_("审计日志"), "audit_list", {}, (Post.ADMIN, Post.MANAGER)),
    (_("访问日志"), "access_log", {}, (Post.ADMIN, Post.MANAGER)),
    (_("公司设置"), "company_settings", {}, (Post.ADMIN,)),
]
# How many unacknowledged major complaints/emergencies the banner names; more are counted.
BANNER_ROWS = 3
BANNER_CAP = 10


@functools.lru_cache(maxsize=256)
def _menu(posts: frozenset, language: str) -> tuple[tuple[str, str], ...]:
    """(label, url) of the entries these posts see. Labels and urls only change with a
    deploy, so each combination of posts and language is worked out once per process."""
    return tuple(
        (str(label), reverse(name, kwargs=kwargs))
        for label, name, kwargs, allowed in NAV
        if posts & {str(p) for p in allowed}
    )


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_staff_member(user):
        return {"nav": []}
    if twofactor.pending(user):  # only the second step is open: no menu, no screen pop
        return {"nav": []}
    path = request.path
    menu = _menu(posts_of(user), get_language())
    # The most specific entry is the current one (/tickets/new/ is 接听登记, not 工单).
    matching = (url for _label, url in menu if path == url or (url != "/" and path.startswith(url)))
    active = max(matching, key=len, default=None)
    nav = [{"label": label, "url": url, "active": url == active} for label, url in menu]
    return {"nav": nav, **_notices(user)}


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
