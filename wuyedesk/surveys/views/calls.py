"""The phone survey (SPE-4): a specialist's call list and the call page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wuyedesk.accounts.access import staff_of
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import FormInvalid, add_service_error
from wuyedesk.policies.services import policy
from wuyedesk.properties.services import may_reveal
from wuyedesk.surveys import selectors, services
from wuyedesk.surveys.choices import ANSWERABLE, SurveyChannel
from wuyedesk.surveys.forms import (
    AnswerForm,
    CallAttemptForm,
)
from wuyedesk.surveys.services import SurveyRefused


@staff_required
def call_list(request, pk):
    selectors.require_survey_staff(request.user)
    campaign = selectors.campaign_get_for_user(request.user, pk)
    mine = selectors.call_list(request.user, campaign)
    show_all = request.GET.get("all") == "1" or staff_of(request.user) is None
    if show_all:
        mine = (
            selectors.invitations_visible_to(request.user)
            .filter(campaign=campaign, channel=SurveyChannel.PHONE)
            .select_related("room__unit__building__community", "resident", "assigned_to")
            .order_by("status", "call_back_at", "community_id", "building_id", "room_id")
        )
    open_rows = [i for i in mine if i.status in ANSWERABLE]
    done_rows = [i for i in mine if i.status not in ANSWERABLE]
    return render(
        request,
        "surveys/call_list.html",
        {
            "title": _("电话调查名单"),
            "campaign": campaign,
            "open_rows": open_rows,
            "done_rows": done_rows,
            "show_all": show_all,
            "progress": selectors.campaign_progress(campaign, request.user),
        },
    )


def _call_context(request, invitation, answer_form, attempt_form):
    staff = staff_of(request.user)
    script = invitation.campaign.version.script_text.replace(
        "{name}", staff.name if staff else request.user.get_username()
    )
    return {
        "title": _("电话调查"),
        "invitation": invitation,
        "campaign": invitation.campaign,
        "script": script,
        "form": answer_form,
        "attempt_form": attempt_form,
        "calls": invitation.calls.select_related("by__staff"),
        "may_reveal": may_reveal(request.user),
        "max_attempts": policy().survey_phone_max_attempts,
        "answerable": invitation.status in ANSWERABLE and invitation.campaign.is_open,
    }


@staff_required
@require_http_methods(["GET", "POST"])
def call_page(request, pk):
    selectors.require_survey_staff(request.user)
    invitation = selectors.invitation_get_for_user(request.user, pk)
    version = invitation.campaign.version
    answer_form = AnswerForm(version=version)
    attempt_form = CallAttemptForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("submit") == "answers":
                answer_form = AnswerForm(request.POST, version=version)
                services.answer_by_phone(
                    by=request.user,
                    invitation=invitation,
                    answers=answer_form.raw_answers(),
                    notes=request.POST.get("notes", ""),
                )
                messages.success(request, _("答卷已保存。"))
            else:
                attempt_form = CallAttemptForm(request.POST)
                if not attempt_form.is_valid():
                    raise FormInvalid(attempt_form)
                data = attempt_form.cleaned_data
                services.call_attempt_record(
                    by=request.user,
                    invitation=invitation,
                    outcome=data["outcome"],
                    call_back_at=data["call_back_at"],
                    notes=data["notes"],
                )
                messages.success(request, _("拨打记录已保存。"))
            return redirect(reverse("surveys:call_list", args=[invitation.campaign_id]))
        except (FormInvalid, ValidationError) as error:
            if request.POST.get("submit") == "answers":
                answer_form.show_errors(error)
            elif isinstance(error, ValidationError):
                add_service_error(attempt_form, error)
            messages.error(request, _("没有保存,请按提示修改。"))
            status = 422
        except SurveyRefused as refused:
            messages.error(request, refused.message)
            status = refused.status
            invitation.refresh_from_db()
    return render(
        request,
        "surveys/call_page.html",
        _call_context(request, invitation, answer_form, attempt_form),
        status=status,
    )
