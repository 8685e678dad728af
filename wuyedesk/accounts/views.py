from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts import services
from wuyedesk.accounts.forms import (
    LanguageForm,
    ResidentLoginForm,
    StaffLoginForm,
    StyledPasswordChangeForm,
    TokenForm,
)
from wuyedesk.accounts.selectors import tokens_of
from wuyedesk.accounts.throttling import login_check, login_failed
from wuyedesk.lib.throttle import Throttled


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _login_page(request, form_class, template, credentials_of, default_next):
    if request.user.is_authenticated:
        return redirect(default_next)
    form = form_class(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            login_check(request)
            user = authenticate(request, **credentials_of(form.cleaned_data))
            if user is not None:
                login(request, user)
                response = redirect(_safe_next(request, default_next))
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
                return response
            login_failed(request)
            form.add_error(None, _("账号或密码不正确。"))
        except Throttled as exc:
            # The form stays filled (the user name), and says when to try again.
            refused = exc
            form.add_error(None, exc.message)
    response = render(request, template, {"form": form, "next": request.GET.get("next", "")})
    return refused.refuse(response) if refused is not None else response


def staff_login(request):
    return _login_page(
        request,
        StaffLoginForm,
        "accounts/login.html",
        lambda data: {"username": data["username"], "password": data["password"]},
        reverse("home"),
    )


def resident_login(request):
    return _login_page(
        request,
        ResidentLoginForm,
        "accounts/portal_login.html",
        lambda data: {"mobile": data["mobile"], "password": data["password"]},
        reverse("portal:home"),
    )


@require_POST
def logout_view(request):
    was_resident = request.user.is_authenticated and request.user.is_resident
    logout(request)
    return redirect("portal:login" if was_resident else "login")


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    response = redirect(_safe_next(request, reverse("home")))
    if form.is_valid():
        language = form.cleaned_data["language"]
        services.user_set_language(user=request.user, language=language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
def password_change(request):
    if request.user.is_resident:  # the portal has its own page, in the portal's look (#12)
        return redirect("portal:password_change")
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_change_password(request=request, form=form)
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form, "title": _("修改密码")})


@login_required
def tokens(request):
    if request.user.is_resident:
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = services.token_create(user=request.user, name=form.cleaned_data["name"])
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens_of(request.user), "raw": raw, "title": _("API 令牌")},
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(tokens_of(request.user), pk=pk)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("令牌已撤销。"))
    return redirect("tokens")
