"""The shell's own pages: the home of each post, the periodic jobs, the liveness probe."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.web import home as home_pages
from wuyedesk.web import jobs


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.is_resident:
        return redirect("portal:home")
    if not is_staff_member(request.user):
        raise PermissionDenied
    return home_pages.render_home(request)


def healthz(request):
    """Liveness for load balancers; also the benchmarks' floor (no database, no session)."""
    return HttpResponse("ok", content_type="text/plain")


@staff_required
def system_jobs(request):
    """The system administrator's page of periodic jobs: when each last finished."""
    return render(
        request,
        "core/system_jobs.html",
        {
            "jobs": jobs.job_statuses_for(request.user),
            "stale_periods": settings.PERIODIC_JOB_STALE_PERIODS,
            "lock_minutes": settings.PERIODIC_JOB_LOCK_MINUTES,
            "title": _("定时任务"),
        },
    )
