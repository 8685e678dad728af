"""staff_passes_test: staff_required's checks, then the HTTP method, then the right."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_passes_test


def _view(request):
    return HttpResponse("done")


def _call(view, user, method="get"):
    request = getattr(RequestFactory(), method)("/somewhere/?x=1")
    request.user = user
    return view(request)


def test_anonymous_go_to_login_residents_and_staff_without_the_right_get_403(world):
    asked = []

    def managers(user):
        asked.append(user)
        return world.manager == user

    view = staff_passes_test(managers)(_view)
    response = _call(view, AnonymousUser())
    assert response.status_code == 302 and "/login/" in response["Location"]
    with pytest.raises(PermissionDenied):
        _call(view, world.resident)
    assert asked == []  # the right is asked of staff only
    with pytest.raises(PermissionDenied):
        _call(view, world.specialist)
    assert _call(view, world.manager).content == b"done"


def test_with_methods_another_method_is_405_before_the_right(world):
    view = staff_passes_test(lambda user: has_post(user, Post.MANAGER), methods=["POST"])(_view)
    assert _call(view, world.specialist, "get").status_code == 405  # not 403: as require_POST
    with pytest.raises(PermissionDenied):
        _call(view, world.specialist, "post")
    assert _call(view, world.manager, "post").status_code == 200
    assert _call(view, AnonymousUser(), "get").status_code == 302  # login first
