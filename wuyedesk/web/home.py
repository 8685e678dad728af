"""Each post's home page: what that person needs first thing in the morning."""

from django.shortcuts import render

from wuyedesk.accounts.access import posts_of, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.selectors import active_staff
from wuyedesk.core.jobs import stale_job_count
from wuyedesk.properties import selectors

# A person with several posts lands on the home of the first one here.
HOME_ORDER = [
    Post.ADMIN,
    Post.MANAGER,
    Post.EXECUTIVE,
    Post.SUPERVISOR,
    Post.ASSISTANT,
    Post.SPECIALIST,
    Post.DEPARTMENT,
]


def primary_post(user) -> Post:
    posts = posts_of(user)
    return next(post for post in HOME_ORDER if post.value in posts)


def render_home(request):
    user = request.user
    post = primary_post(user)
    context = {"post": post, "staff": staff_of(user), "title": post.label}
    if post in (Post.ADMIN, Post.MANAGER, Post.EXECUTIVE, Post.SPECIALIST, Post.ASSISTANT):
        context["overview"] = selectors.community_overview(user)
    if post == Post.ADMIN:
        context["stale_jobs"] = stale_job_count()
    if post == Post.ASSISTANT:
        context["homeless_count"] = selectors.residents_without_home(user).count()
    if post == Post.SUPERVISOR:
        context["colleagues"] = active_staff(user)[:50]
    if post == Post.DEPARTMENT:
        staff = staff_of(user)
        context["department"] = staff.department if staff else None
        context["served"] = staff.department.communities.all() if staff and staff.department else []
    return render(request, f"web/home_{post.value}.html", context)
