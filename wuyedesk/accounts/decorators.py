"""Decorators of the staff pages and of the resident portal's pages."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from wuyedesk.accounts.access import is_staff_member


def staff_required(view):
    """Logged-in staff only: anonymous users go to the login page, residents get a 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def resident_required(view):
    """Logged-in residents only: anonymous users go to the portal's login page, staff get a
    403. (The portal's pages and the survey and notification pages residents use.)"""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not request.user.is_resident:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
