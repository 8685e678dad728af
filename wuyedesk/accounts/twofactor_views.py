"""Pages of staff two-factor login (accounts/twofactor.py holds the rules)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts import selectors, twofactor
from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.accounts.forms import OtpCodeForm, OtpEnrolForm
from wuyedesk.accounts.views import _safe_next
from wuyedesk.lib.throttle import Throttled


def _next(request) -> str:
    """Where to go after the step: never back to a step page (that would loop)."""
    target = _safe_next(request, reverse("home"))
    if target.startswith((reverse("two_factor_verify"), reverse("two_factor_setup"))):
        return reverse("home")
    return target


def _staff_session(view):
    """Logged in as staff; the second step is not yet required here."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.is_resident:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_staff_session
def verify(request):
    """The second step after the password."""
    next_url = _next(request)
    if not twofactor.pending(request.user):
        return redirect(next_url)
    if not twofactor.is_enrolled(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{request.GET.urlencode()}")
    form = OtpCodeForm(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            if twofactor.session_verify(request=request, code=form.cleaned_data["code"]):
                return redirect(next_url)
            form.add_error("code", _("动态码或恢复码不正确。"))
        except Throttled as exc:
            refused = exc
            form.add_error(None, exc.message)
    response = render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url, "title": _("两步验证")},
    )
    return refused.refuse(response) if refused is not None else response


@_staff_session
def setup(request):
    """Set up an authenticator app: QR code, the secret as text, a code to confirm; then the
    recovery codes, once."""
    next_url = _next(request)
    if not twofactor.enrol_may_start(request.user):
        # An authenticator exists and this session has not used it: the password alone
        # never replaces it.
        return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
    device = twofactor.enrol_start(user=request.user)
    form = OtpEnrolForm(request.POST or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.enrol_confirm(
                request=request, user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("code", []):
                form.add_error("code", message)
        except Throttled as exc:
            refused = exc
            form.add_error(None, exc.message)
        else:
            return _show_codes(request, codes, next_url, enrolled=True)
    response = render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": twofactor.qr_data_uri(device),
            "secret": twofactor.secret_text(device),
            "pending": twofactor.pending(request.user),
            "title": _("设置两步验证"),
        },
    )
    return refused.refuse(response) if refused is not None else response


def _show_codes(request, codes, next_url, *, enrolled=False):
    response = render(
        request,
        "accounts/two_factor_codes.html",
        {"codes": codes, "next": next_url, "enrolled": enrolled, "title": _("恢复码")},
    )
    return response


@staff_required
def overview(request):
    """One's own two-factor login: on or off, required or not, recovery codes left."""
    user = request.user
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enrolled": twofactor.is_enrolled(user),
            "required_by_post": twofactor.required_by_post(user),
            "recovery_left": twofactor.recovery_left(user),
            "title": _("两步验证"),
        },
    )


@staff_required
@require_POST
def recovery(request):
    codes = twofactor.recovery_regenerate(user=request.user)
    return _show_codes(request, codes, reverse("two_factor"))


@staff_required
@require_POST
def disable(request):
    twofactor.disable(user=request.user)
    messages.success(request, _("两步验证已关闭。"))
    return redirect("two_factor")


@staff_required
def admin_list(request):
    """The administrator's view of who has set up two-factor login, with a reset per person."""
    require_post(request.user, Post.ADMIN)
    q = request.GET.get("q", "").strip()[:50]
    people = selectors.staff_two_factor(request.user, q=q)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    required_posts = twofactor.session_policy()[0]
    for staff in page:
        staff.two_factor_required = bool(set(staff.post_list) & required_posts)
    return render(
        request,
        "accounts/two_factor_admin.html",
        {
            "page": page,
            "q": q,
            "query": urlencode({"q": q}) if q else "",
            "title": _("两步验证管理"),
        },
    )


@staff_required
@require_POST
def admin_reset(request, pk):
    require_post(request.user, Post.ADMIN)
    staff = get_object_or_404(selectors.staff_two_factor(request.user), pk=pk)
    twofactor.reset(by=request.user, staff=staff)
    messages.success(
        request, _("已重置 %(name)s 的两步验证,其下次登录时须重新设置。") % {"name": staff.name}
    )
    return redirect("two_factor_admin")
