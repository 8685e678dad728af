"""The answer pages: the email link (and its unsubscribe page) and the portal."""

import functools

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wuyedesk.accounts.decorators import resident_required
from wuyedesk.lib.throttle import Throttled
from wuyedesk.surveys import selectors, services
from wuyedesk.surveys.forms import (
    AnswerForm,
)
from wuyedesk.surveys.services import SurveyRefused


def _refused(request, title, refused: SurveyRefused):
    """The page of a survey that cannot be answered (closed, answered, opted out …)."""
    return render(
        request,
        "surveys/answer_refused.html",
        {"title": title, "message": refused.message},
        status=refused.status,
    )


def _answer_page(request, *, invitation, post_answer, template_context, status=200):
    version = invitation.campaign.version
    form = AnswerForm(version=version)
    if request.method == "POST":
        form = AnswerForm(request.POST, version=version)
        try:
            post_answer(form.raw_answers())
        except ValidationError as error:
            form.show_errors(error)
            status = 422
        except SurveyRefused as refused:
            return render(
                request,
                "surveys/answer_refused.html",
                {"title": _("满意度调查"), "message": refused.message},
                status=refused.status,
            )
        else:
            return render(request, "surveys/answer_thanks.html", {"title": _("感谢参与")})
    return render(
        request,
        "surveys/answer.html",
        {
            "title": invitation.campaign.name,
            "form": form,
            "invitation": invitation,
            "version": version,
            **template_context,
        },
        status=status,
    )


def survey_link_limited(view):
    """The anonymous link's pages count each request of a client address before the token
    is looked up; over `rate_survey_link` they say, in the survey's look, when to try again."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            services.survey_link_check(request)
        except Throttled as exc:
            return exc.refuse(
                render(
                    request,
                    "surveys/answer_refused.html",
                    {"title": _("满意度调查"), "message": exc.message},
                )
            )
        return view(request, *args, **kwargs)

    return wrapper


@never_cache  # the page carries one household's invitation: no shared cache may keep it
@require_http_methods(["GET", "POST"])
@survey_link_limited
def answer_token(request, token):
    """The email link: anyone holding it may answer, once, until the campaign closes."""
    try:
        invitation = services.invitation_by_token(token)
    except SurveyRefused as refused:
        return _refused(request, _("满意度调查"), refused)
    return _answer_page(
        request,
        invitation=invitation,
        post_answer=lambda raw: services.answer_by_token(token=token, answers=raw),
        template_context={"unsubscribe_url": reverse("surveys:unsubscribe", args=[token])},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@survey_link_limited
def unsubscribe(request, token):
    try:
        invitation = services.invitation_by_token(token)
    except SurveyRefused as refused:
        return _refused(request, _("退订满意度调查"), refused)
    reason, error = "", None
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            services.opt_out(invitation=invitation, reason=reason)
        except ValidationError as invalid:
            error = " ".join(invalid.message_dict.get("reason", invalid.messages))
        else:
            return render(
                request,
                "surveys/answer_refused.html",
                {
                    "title": _("退订满意度调查"),
                    "message": _("已退订,今后不会再邀请您的住户参加满意度调查。"),
                },
            )
    return render(
        request,
        "surveys/unsubscribe.html",
        {"title": _("退订满意度调查"), "reason": reason, "error": error},
        status=422 if error else 200,
    )


@resident_required
@require_http_methods(["GET", "POST"])
def answer_portal(request, pk):
    """The portal: the logged-in resident's own household only (another household is 404)."""
    invitation = selectors.invitation_for_resident(request.user, pk)
    try:
        services.check_answerable(invitation)
    except SurveyRefused as refused:
        return _refused(request, _("满意度调查"), refused)
    return _answer_page(
        request,
        invitation=invitation,
        post_answer=lambda raw: services.answer_by_resident(
            user=request.user, invitation=invitation, answers=raw
        ),
        template_context={"portal": True},
    )
