import time
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from wuyedesk.accounts import twofactor

SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UnwrappedUserMiddleware:
    """request.user as the signed-in user itself rather than behind the two lazy wrappers
    that AuthenticationMiddleware and django-otp's OTPMiddleware put around it.

    Every attribute read through the two wrappers costs about 1.7 µs (each wrapper fails its
    own lookup, then forwards it), against 0.02 µs on the object, and a page reads the user
    hundreds of times: about 370 reads on a ticket page, 0.6 ms of its CPU (bench/README.md,
    session 17). The user is read on every request anyway (UserLanguageMiddleware), so
    nothing lazier is lost. An anonymous visitor keeps the wrappers: django-otp's
    ``is_verified`` is set on the object they make.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.user = user.itself()
        return self.get_response(request)


class UserLanguageMiddleware:
    """Chinese unless the person chose otherwise: the user's saved language, else the cookie.

    The browser's Accept-Language is deliberately ignored so that the product opens in
    Chinese on any machine; English is one click away and remembered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            language = user.language
        if language not in SUPPORTED:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # request.LANGUAGE_CODE: the API's token may have named another language since.
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response


def _send_to(request, url: str):
    """Redirect; an htmx request is told to load the page in full instead of swapping the
    page it was sent to into a fragment."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _with_next(request, url: str) -> str:
    """`url` with the page to come back to: the page itself, or for an htmx request the page
    it was sent from (never the fragment)."""
    if request.headers.get("HX-Request"):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = urlunsplit(("", "", current.path, current.query, "")) if current.path else ""
        if back and url_has_allowed_host_and_scheme(
            request.headers["HX-Current-URL"], {request.get_host()}, request.is_secure()
        ):
            return f"{url}?{urlencode({'next': back})}"
        return url
    if request.method == "GET":
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


def is_poll(request) -> bool:
    """A request a page makes by itself on a timer (templates mark them with X-Poll): not a
    sign that anyone is at the screen."""
    return request.headers.get("X-Poll") == "1"


class IdleTimeoutMiddleware:
    """A staff session ends after the company's `idle_timeout_minutes` without a request;
    the next request goes to the login page, which says why in the person's language.

    The time of the last request is written to the session at most once a minute (a
    session save on every request would cost a write per page), so a session may live up
    to a minute longer than the setting. A page's own timed requests (the screen pop, progress
    bars) do not count as activity, and the first one after the timeout takes the open page
    to the login page. Residents' portal sessions keep SESSION_HOURS.
    """

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_resident:
            now = int(time.time())
            seen = request.session.get(twofactor.SEEN_KEY)
            minutes = twofactor.session_policy()[1]
            if seen is not None and now - seen > minutes * 60:
                logout(request)
                message = ngettext(
                    "您已超过%(minutes)d分钟没有操作,为了安全已自动退出,请重新登录。",
                    "您已超过%(minutes)d分钟没有操作,为了安全已自动退出,请重新登录。",
                    minutes,
                ) % {"minutes": minutes}
                messages.info(request, message)
                return _send_to(request, _with_next(request, reverse("login")))
            if seen is None or (now - seen >= self.REFRESH_SECONDS and not is_poll(request)):
                request.session[twofactor.SEEN_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """After the password, a person who must give a second factor (accounts/twofactor.py)
    reaches nothing but the second step, enrolment, the language switch and logout, until
    django-otp marks the session verified. The API is not affected: it never reads the
    session (bearer tokens only; a token of such a person needs the second factor)."""

    OPEN = frozenset(
        {"two_factor_verify", "two_factor_setup", "login", "logout", "set_language", "healthz"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if twofactor.pending(user) and not self._open(request):
            name = "two_factor_verify" if twofactor.is_enrolled(user) else "two_factor_setup"
            return _send_to(request, _with_next(request, reverse(name)))
        return self.get_response(request)

    def _open(self, request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in self.OPEN or match.namespace == "api"
