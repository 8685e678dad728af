from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuyedesk.accounts.access import has_post, is_staff_member
from wuyedesk.accounts.choices import Post

ALL = tuple(Post.values)
KEEPERS = (Post.ADMIN, Post.MANAGER, Post.ASSISTANT)

# (label, url name, kwargs, posts that see it)
NAV = [
    (_("工作台"), "home", {}, ALL),
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
    (_("审计日志"), "audit_list", {}, (Post.ADMIN, Post.MANAGER)),
    (_("公司设置"), "company_settings", {}, (Post.ADMIN,)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_staff_member(user):
        return {"nav": []}
    path = request.path
    items = []
    for label, name, kwargs, posts in NAV:
        if has_post(user, *posts):
            url = reverse(name, kwargs=kwargs)
            active = path == url if url == "/" else path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    return {"nav": items}
