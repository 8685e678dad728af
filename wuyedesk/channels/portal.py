"""The resident portal (业主服务): mobile-first pages for residents only.

A resident sees their own tickets and the announcements of where they live; any other id is a
404. Every change is one service of channels.services."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuyedesk.accounts import services as account_services
from wuyedesk.accounts.decorators import resident_required
from wuyedesk.accounts.forms import StyledPasswordChangeForm
from wuyedesk.accounts.throttling import login_check, login_failed, password_reset_check
from wuyedesk.channels import forms, limits, selectors, services
from wuyedesk.core.downloads import uploaded_file
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.core.jinja2 import form_tokens
from wuyedesk.lib.paging import page_of
from wuyedesk.lib.throttle import Throttled
from wuyedesk.notifications.residents import webhook_enabled
from wuyedesk.tickets import selectors as ticket_selectors

RESIDENT_BACKEND = "wuyedesk.accounts.backends.ResidentPhoneBackend"
PAGE_SIZE = 20


def _optional_url(name: str) -> str:
    """A page another part of the product may provide (e.g. notification preferences)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@resident_required
def home(request):
    resident = request.user.resident
    households = selectors.current_homes(request.user)
    return render(
        request,
        "channels/portal_home.html",
        {
            "resident": resident,
            "households": households,
            "announcements": list(selectors.announcements_for(request.user, limit=5)),
            "open_tickets": list(
                selectors.my_tickets(request.user).filter(closed_at__isnull=True)[:5]
            ),
            "preferences_url": _optional_url("portal:notification_preferences"),
            "messages_url": _optional_url("portal:notifications"),
            "title": _("业主服务"),
        },
    )


# ---------------------------------------------------------------- sign-up


# The verification token of the sign-up waiting for its code: kept in the session, never in
# a URL (it lets its holder try codes).
SIGNUP_SESSION_KEY = "portal_signup_verification"


def _signup_page(request, form, status):
    return render(
        request,
        "channels/signup.html",
        {"form": form, "gateway": webhook_enabled(), "title": _("业主注册")},
        status=status,
    )


def signup(request):
    """Sign-up: the same next step for every valid form, whoever is on record for the number:
    "enter the code we sent" with a gateway, "waiting for approval" without one."""
    if request.user.is_authenticated and request.user.is_resident:
        return redirect("portal:home")
    form = forms.SignupForm(request.POST or None)
    if request.method != "POST":
        return _signup_page(request, form, 200)
    try:
        limits.signup_attempt(request)
        if form.is_valid():
            data = form.cleaned_data
            result = services.signup_submit(
                phone=data["mobile"],
                name=data["name"],
                room=data["room"],
                email=data["email"],
                password=data["password"],
                before_code=lambda phone: limits.code_send(request, phone),
            )
            if result.status == services.VERIFY:
                request.session[SIGNUP_SESSION_KEY] = result.token
                return redirect("portal:signup_verify")
            return _proven_page(request, result)
    except Throttled as exc:
        form.is_valid()
        form.add_error(None, exc.message)
        return exc.refuse(_signup_page(request, form, 429))
    except ValidationError as error:
        add_service_error(form, error)
    return _signup_page(request, form, 422)


def _proven_page(request, result):
    """Where a sign-up ends up: linked and logged in, waiting for an assistant, or (a proven
    number only) told that the number already has an account."""
    if result.status == services.LINKED:
        login(request, result.user, backend=RESIDENT_BACKEND)
        messages.success(request, _("注册成功,已关联您的房屋。"))
        return redirect("portal:home")
    return render(
        request,
        "channels/signup_status.html",
        {
            "signup": result.signup,
            "has_account": result.status == services.HAS_ACCOUNT,
            "title": _("注册申请已提交"),
        },
    )


def _verify_page(request, signup, form, *, status=200, resend_error=""):
    return render(
        request,
        "channels/signup_verify.html",
        {
            "signup": signup,
            "form": form,
            "minutes": services.code_minutes(),
            "resend_error": resend_error,
            "title": _("输入验证码"),
        },
        status=status,
    )


def signup_verify(request):
    """The "enter the code we sent" step; the sign-up is the one in this browser's session."""
    token = request.session.get(SIGNUP_SESSION_KEY, "")
    signup = services.signup_pending_code(token)
    if signup is None:
        request.session.pop(SIGNUP_SESSION_KEY, None)
        return redirect("portal:signup")
    form = forms.SignupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.signup_verify(token=token, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
            return _proven_page(request, result)
    return _verify_page(request, signup, form, status=422 if form.is_bound else 200)


@require_POST
def signup_resend(request):
    token = request.session.get(SIGNUP_SESSION_KEY, "")
    signup = services.signup_pending_code(token)
    if signup is None:
        return redirect("portal:signup")
    try:
        services.signup_resend(
            token=token, before_code=lambda phone: limits.code_send(request, phone)
        )
    except Throttled as exc:
        page = _verify_page(
            request, signup, forms.SignupCodeForm(), status=429, resend_error=exc.message
        )
        return exc.refuse(page)
    messages.success(request, _("验证码已重新发送,之前的验证码不再有效。"))
    return redirect("portal:signup_verify")


def _options(request, *, options=(), groups=(), clear_room=False) -> HttpResponse:
    return render(
        request,
        "channels/_signup_options.html",
        {"options": options, "groups": groups, "clear_room": clear_room},
    )


@require_GET
def signup_buildings(request):
    community = request.GET.get("community", "")
    rows = []
    if community.isdigit():
        rows = [(b.pk, b.name) for b in selectors.signup_buildings(int(community))]
    return _options(request, options=rows, clear_room=True)


@require_GET
def signup_rooms(request):
    building = request.GET.get("building", "")
    if not building.isdigit():
        return _options(request)
    return _options(request, groups=forms.room_choices(selectors.signup_rooms(int(building))))


def signup_status(request):
    """The applicant checks their sign-up (pending, or refused with the reason) with the
    number and the password they chose: nobody else can read it."""
    form = forms.SignupStatusForm(request.POST or None)
    found = throttled = None
    if request.method == "POST" and form.is_valid():
        # A password check like a login (a hash per sign-up tried): its failures count with
        # the logins of this client address (`rate_login`, #11 point 2).
        try:
            login_check(request)
            found = services.signup_status(
                phone=form.cleaned_data["mobile"], password=form.cleaned_data["password"]
            )
            if found is None:
                login_failed(request)
                form.add_error(None, _("没有找到该手机号的注册申请,或密码不正确。"))
        except Throttled as exc:
            throttled = exc
            form.add_error(None, exc.message)
    response = render(
        request,
        "channels/signup_status.html",
        {"form": form, "signup": found, "title": _("注册进度")},
        status=429 if throttled else 200,
    )
    return throttled.refuse(response) if throttled else response


# ---------------------------------------------------------------- tickets


@resident_required
def submit(request):
    homes = selectors.current_homes(request.user)
    if not homes:
        messages.error(request, _("尚未关联房屋,请联系客服中心。"))
        return redirect("portal:home")
    form = forms.SubmitForm(request.POST or None, request.FILES or None, homes=homes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        room_id, building_id = form.place_ids()
        try:
            room, building = services.portal_place(
                request.user, room_id=room_id, building_id=building_id
            )
            ticket = services.portal_submit(
                by=request.user,
                kind=data["kind"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                room=room,
                building=building,
                photos=data["photos"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已受理,工单编号 %(number)s。") % {"number": ticket.number})
            return redirect("portal:ticket", pk=ticket.pk)
    return render(
        request,
        "channels/submit.html",
        {"form": form, "title": _("我要反映")},
        status=422 if form.is_bound else 200,
    )


@resident_required
def ticket_list(request):
    page = page_of(selectors.my_tickets(request.user), request.GET.get("page"), PAGE_SIZE)
    return render(request, "channels/tickets.html", {"page": page, "title": _("我的工单")})


def _ticket_page(request, ticket, *, reply=None, confirm=None, rate=None, status=200):
    files = selectors.public_files(ticket)
    by_event = {a.event_id: a for a in files if a.event_id}
    timeline = [(e, by_event.get(e.id)) for e in selectors.public_timeline(ticket)]
    rating = selectors.rating_of(ticket)
    answered = selectors.has_answer(ticket)
    closed_refuses = ticket.is_closed and services.closed_reply_refused()
    photos = [a for a in files if a.content_type.startswith("image/")]
    context = {
        "ticket": ticket,
        "user_id": request.user.pk,
        "stage": ticket_selectors.customer_stage(ticket),
        "stages": ticket_selectors.customer_stages(ticket),
        "timeline": timeline,
        "photos": photos,
        # The viewer's rows: each photo with the one before and after it.
        "viewer": [
            (a, photos[i - 1] if i else None, photos[i + 1] if i + 1 < len(photos) else None)
            for i, a in enumerate(photos)
        ],
        "view_photo": _("查看照片 %(name)s"),
        "promised": selectors.promised(ticket),
        "rating": rating,
        "reply_form": reply or (None if closed_refuses else forms.ReplyForm()),
        "closed_refuses": closed_refuses,
        "confirm_form": (confirm or forms.ConfirmForm()) if services.may_confirm(ticket) else None,
        "rate_form": (rate or forms.RatingForm()) if answered and rating is None else None,
        "category_label": ticket_selectors.category_path(ticket.category),
        **form_tokens(request),
    }
    # The content is a Jinja2 fragment (jinja2/channels/ticket.html), as the staff ticket
    # page's is (tickets/views/tickets.py _page, which says why no request is given to it).
    body = engines["jinja2"].get_template("channels/ticket.html").render(context)
    return render(
        request,
        "channels/ticket.html",
        {
            "title": ticket.number,
            "csrf_token": context["csrf_token"],
            "body": mark_safe(body),  # noqa: S308  (an autoescaping template's output)
        },
        status=status,
    )


@resident_required
def ticket_detail(request, pk):
    return _ticket_page(request, selectors.my_ticket(request.user, pk))


def _act(request, pk, form_class, key, run, done):
    ticket = selectors.my_ticket(request.user, pk)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            run(ticket, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("portal:ticket", kwargs={"pk": pk}) + f"#{key}")
    messages.error(request, _("未提交:请更正标出的错误。"))
    fresh = selectors.my_ticket(request.user, pk)
    return _ticket_page(request, fresh, status=422, **{key: form})


@resident_required
@require_POST
def ticket_reply(request, pk):
    return _act(
        request,
        pk,
        forms.ReplyForm,
        "reply",
        lambda t, d: services.portal_reply(
            by=request.user, ticket=t, text=d["text"], photo=d.get("photo")
        ),
        _("回复已发送。"),
    )


@resident_required
@require_POST
def ticket_confirm(request, pk):
    return _act(
        request,
        pk,
        forms.ConfirmForm,
        "confirm",
        lambda t, d: services.portal_confirm(by=request.user, ticket=t, text=d["text"]),
        _("已确认处理结果,谢谢。"),
    )


@resident_required
@require_POST
def ticket_rate(request, pk):
    return _act(
        request,
        pk,
        forms.RatingForm,
        "rate",
        lambda t, d: services.portal_rate(
            by=request.user, ticket=t, stars=d["stars"], comment=d["comment"]
        ),
        _("感谢您的评价。"),
    )


@resident_required
def attachment_download(request, pk, attachment_pk):
    return uploaded_file(selectors.my_attachment(request.user, pk, attachment_pk))


@resident_required
def announcement_detail(request, pk):
    announcement = selectors.announcement_for(request.user, pk)
    return render(
        request,
        "channels/announcement.html",
        {"announcement": announcement, "title": announcement.title},
    )


# ---------------------------------------------------------------- account


@resident_required
def password_change(request):
    """The resident's password change, in the portal's own look (issue #12 point 8): the
    same form and service as the staff page (accounts), which sends residents here."""
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_services.user_change_password(request=request, form=form)
        messages.success(request, _("密码已修改。"))
        return redirect("portal:home")
    return render(
        request,
        "channels/password_change.html",
        {"form": form, "title": _("修改密码")},
        status=422 if form.is_bound else 200,
    )


# ---------------------------------------------------------------- password reset by e-mail


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail link, limited per client address and per e-mail address
    (#11 point 2). Over a limit the form stays filled and says when to try again, the same
    for an address that has an account and one that has none."""

    def form_valid(self, form):
        try:
            password_reset_check(self.request, form.cleaned_data["email"])
        except Throttled as exc:
            form.add_error(None, exc.message)
            return exc.refuse(self.form_invalid(form))
        return super().form_valid(form)


password_reset = PasswordResetView.as_view(
    form_class=forms.PortalPasswordResetForm,
    template_name="channels/password_reset.html",
    email_template_name="channels/password_reset_email.txt",
    subject_template_name="channels/password_reset_subject.txt",
    success_url=reverse_lazy("portal:password_reset_done"),
    extra_context={"title": gettext_lazy("找回密码")},
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="channels/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=forms.PortalSetPasswordForm,
    template_name="channels/password_reset_confirm.html",
    success_url=reverse_lazy("portal:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="channels/password_reset_complete.html"
)
