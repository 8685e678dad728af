"""Decorators of the staff pages and of the resident portal's pages."""

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.decorators.http import require_http_methods

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


def staff_passes_test(test, *, methods=None):
    """Logged-in staff for whom `test(user) -> bool` holds: staff_required's checks first
    (anonymous users go to the login page, residents get a 403), then, with `methods`, a 405
    for any other HTTP method (as `@staff_required @require_POST` did), then a 403 when the
    test fails. The pages' rights (`may_recruit`, `may_organise`, …) are the tests:

        @staff_passes_test(selectors.may_recruit, methods=["POST"])
        def candidate_hire(request, pk): ...
    """

    def decorator(view):
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        if methods is not None:
            guarded = require_http_methods(methods)(guarded)
        return staff_required(guarded)

    return decorator


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
