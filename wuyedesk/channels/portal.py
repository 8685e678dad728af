"""The resident portal (业主服务): mobile-first pages for residents only."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from wuyedesk.properties.selectors import resident_households


def resident_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not request.user.is_resident:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@resident_required
def home(request):
    resident = request.user.resident
    households = [o for o in resident_households(resident) if o.is_current]
    return render(
        request,
        "channels/portal_home.html",
        {"resident": resident, "households": households, "title": _("业主服务")},
    )
