"""Survey pages: campaigns and their live progress, call lists and the call page (SPE-4),
questionnaire editing, and the answer pages of the email link and the portal."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from wuyedesk.accounts.access import community_ids, has_post, staff_of
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.channels.portal import resident_required
from wuyedesk.lib.paging import page_of
from wuyedesk.lib.throttle import Throttled
from wuyedesk.policies.services import policy
from wuyedesk.properties.models import Department
from wuyedesk.properties.selectors import communities_visible_to
from wuyedesk.properties.services import may_reveal
from wuyedesk.surveys import selectors, services
from wuyedesk.surveys.choices import ANSWERABLE, InvitationStatus, SurveyChannel
from wuyedesk.surveys.forms import (
    AnswerForm,
    CallAttemptForm,
    CampaignForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    VersionTextForm,
)
from wuyedesk.surveys.models import Dimension, Invitation, Question, Questionnaire, Section
from wuyedesk.surveys.services import SurveyRefused


def _require_survey_staff(user) -> None:
    if not has_post(user, *selectors.SURVEY_POSTS):
        raise PermissionDenied


def _require_admin(user) -> None:
    if not has_post(user, *selectors.SURVEY_ADMIN_POSTS):
        raise PermissionDenied


# ----------------------------------------------------------------------------- campaigns


@staff_required
def campaign_list(request):
    _require_survey_staff(request.user)
    # Counted over the user's own communities only, like the progress page.
    ids = community_ids(request.user)
    mine = Q() if ids is None else Q(invitations__community_id__in=ids)
    done = mine & Q(invitations__status=InvitationStatus.COMPLETED)
    campaigns = (
        selectors.campaigns_visible_to(request.user)
        .select_related("version__questionnaire")
        .annotate(
            n_invited=Count("invitations", filter=mine, distinct=True),
            n_done=Count("invitations", filter=done, distinct=True),
        )
    )
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "title": _("满意度调查"),
            "campaigns": campaigns,
            "can_admin": has_post(request.user, *selectors.SURVEY_ADMIN_POSTS),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    _require_admin(request.user)
    settings_ = policy()
    kwargs = {
        "communities": communities_visible_to(request.user).filter(archived_at__isnull=True),
        "specialists": selectors.specialists_in_scope(request.user),
    }
    if request.method == "POST":
        form = CampaignForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    by=request.user,
                    name=data["name"],
                    quarter=data["quarter"],
                    version=data["version"],
                    communities=data["communities"],
                    sampling_mode=data["sampling"],
                    confidence=data["confidence"],
                    margin_points=data["margin_points"],
                    specialists=data["specialists"],
                )
            except ValidationError as error:
                for field, errs in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, _("调查活动已创建,确认后点击“开始调查”。"))
                return redirect("surveys:campaign_detail", campaign.pk)
    else:
        form = CampaignForm(
            initial={
                "sampling": "sample",
                "confidence": settings_.survey_confidence,
                "margin_points": settings_.survey_margin_points,
                "communities": list(kwargs["communities"].values_list("pk", flat=True)),
            },
            **kwargs,
        )
    return render(request, "surveys/campaign_form.html", {"form": form, "title": _("新建调查活动")})


@staff_required
def campaign_calculator(request):
    """htmx: the sample the calculator proposes for the chosen communities and margin."""
    _require_admin(request.user)
    visible = set(communities_visible_to(request.user).values_list("pk", flat=True))
    try:
        ids = [int(x) for x in request.GET.getlist("communities") if int(x) in visible]
        confidence = int(request.GET.get("confidence") or policy().survey_confidence)
        margin = int(request.GET.get("margin_points") or policy().survey_margin_points)
    except ValueError:
        ids, confidence, margin = [], 95, 5
    if confidence not in (90, 95, 99) or not 1 <= margin <= 20:
        proposal = None
    else:
        proposal = services.propose_sample(
            community_ids_=ids, confidence=confidence, margin_points=margin
        )
        names = dict(
            communities_visible_to(request.user).filter(pk__in=ids).values_list("pk", "name")
        )
        proposal["rows"] = [
            {"name": names.get(cid, cid), **row}
            for cid, row in sorted(proposal["communities"].items())
        ]
    return render(
        request,
        "surveys/_calculator.html",
        {"proposal": proposal, "confidence": confidence, "margin": margin},
    )


@staff_required
def campaign_detail(request, pk):
    _require_survey_staff(request.user)
    campaign = selectors.campaign_get_for_user(request.user, pk)
    invitations = (
        selectors.invitations_visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("room__unit__building__community", "resident", "assigned_to")
        .order_by("community_id", "building_id", "room_id")
    )
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    if status in InvitationStatus.values:
        invitations = invitations.filter(status=status)
    if channel in SurveyChannel.values:
        invitations = invitations.filter(channel=channel)
    page = page_of(invitations, request.GET.get("page"), size=50)
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "title": campaign.name,
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign, request.user),
            "page": page,
            "status": status,
            "channel": channel,
            "statuses": InvitationStatus.choices,
            "channels": SurveyChannel.choices,
            "can_admin": has_post(request.user, *selectors.SURVEY_ADMIN_POSTS),
            "communities": campaign.communities.all(),
        },
    )


@staff_required
def campaign_progress(request, pk):
    """htmx: the live figures (a fixed number of queries, whatever the invitations)."""
    _require_survey_staff(request.user)
    campaign = selectors.campaign_get_for_user(request.user, pk)
    return render(
        request,
        "surveys/_progress.html",
        {"campaign": campaign, "progress": selectors.campaign_progress(campaign, request.user)},
    )


@staff_required
@require_POST
def campaign_action(request, pk, action):
    _require_admin(request.user)
    campaign = selectors.campaign_get_for_user(request.user, pk)
    try:
        if action == "open":
            services.campaign_open(by=request.user, campaign=campaign)
            messages.success(request, _("调查已开始,邮件邀请正在发送。"))
        elif action == "close":
            services.campaign_close(by=request.user, campaign=campaign)
            messages.success(request, _("调查活动已结束。"))
        else:
            raise Http404
    except SurveyRefused as refused:
        messages.error(request, refused.message)
    return redirect("surveys:campaign_detail", campaign.pk)


# ----------------------------------------------------------------------------- phone (SPE-4)


@staff_required
def call_list(request, pk):
    _require_survey_staff(request.user)
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
    _require_survey_staff(request.user)
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
                    raise ValidationError(attempt_form.errors.as_data())
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
        except ValidationError as error:
            target = answer_form if request.POST.get("submit") == "answers" else attempt_form
            if target is attempt_form:
                for field, errs in error.message_dict.items():
                    if field in attempt_form.fields and field in attempt_form.errors:
                        continue
                    attempt_form.add_error(field if field in attempt_form.fields else None, errs)
            else:
                answer_form.show_errors(error)
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


# ----------------------------------------------------------------------------- questionnaires


@staff_required
def questionnaire_list(request):
    _require_survey_staff(request.user)
    questionnaires = selectors.questionnaires_visible_to(request.user).prefetch_related("versions")
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "title": _("问卷"),
            "questionnaires": questionnaires,
            "can_admin": has_post(request.user, *selectors.SURVEY_ADMIN_POSTS),
            "form": QuestionnaireForm(),
            "dimensions": Dimension.objects.select_related("department"),
            "departments": Department.objects.filter(archived_at__isnull=True),
        },
    )


@staff_required
@require_POST
def questionnaire_new(request):
    _require_admin(request.user)
    form = QuestionnaireForm(request.POST)
    if form.is_valid():
        try:
            version = services.questionnaire_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errs in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            return redirect("surveys:version_detail", version.pk)
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "title": _("问卷"),
            "questionnaires": Questionnaire.objects.prefetch_related("versions"),
            "can_admin": True,
            "form": form,
            "dimensions": Dimension.objects.select_related("department"),
            "departments": Department.objects.filter(archived_at__isnull=True),
        },
        status=422,
    )


def _version_context(request, version, **forms):
    editable = version.published_at is None and has_post(
        request.user, *selectors.SURVEY_ADMIN_POSTS
    )
    context = {
        "title": str(version),
        "version": version,
        "editable": editable,
        "can_admin": has_post(request.user, *selectors.SURVEY_ADMIN_POSTS),
        "preview": AnswerForm(version=version),
        "section_form": forms.get("section_form") or SectionForm(),
        "question_form": forms.get("question_form") or QuestionForm(version=version),
        "text_form": forms.get("text_form")
        or VersionTextForm(
            initial={
                "intro": version.intro,
                "intro_en": version.intro_en,
                "script": version.script,
                "script_en": version.script_en,
            }
        ),
        "questions": version.questions.select_related("section", "dimension").order_by(
            "section__position", "section_id", "position", "id"
        ),
        "other_versions": version.questionnaire.versions.order_by("-number"),
        "editing": forms.get("editing") or _editing(request, version),
    }
    return context


def _editing(request, version):
    """The question a failed edit was for, so the form posts to it again."""
    pk = request.POST.get("question_id", "") if request.method == "POST" else ""
    return version.questions.filter(pk=int(pk)).first() if pk.isdigit() else None


@staff_required
def version_detail(request, pk):
    version = selectors.version_get_for_user(request.user, pk)
    forms = {}
    editing = request.GET.get("edit", "")
    if editing.isdigit():
        question = get_object_or_404(Question, pk=int(editing), version=version)
        forms["question_form"] = QuestionForm(
            version=version,
            initial={
                "section": question.section_id,
                "code": question.code,
                "kind": question.kind,
                "text": question.text,
                "text_en": question.text_en,
                "dimension": question.dimension_id,
                "required": question.required,
                "is_overall": question.is_overall,
                "choices": "\n".join(
                    f"{c.get('zh', '')} | {c.get('en', '')} | {c['value']}"
                    for c in question.choices
                ),
                "position": question.position,
            },
        )
        forms["editing"] = question
    return render(
        request, "surveys/version_detail.html", _version_context(request, version, **forms)
    )


@staff_required
@require_POST
def version_action(request, pk, action):
    _require_admin(request.user)
    version = selectors.version_get_for_user(request.user, pk)
    forms = {}
    try:
        if action == "publish":
            services.version_publish(by=request.user, version=version)
            messages.success(request, _("问卷版本已发布,之后不能再修改。"))
        elif action == "new_version":
            draft = services.version_new_draft(by=request.user, version=version)
            messages.success(request, _("已创建新版本草稿。"))
            return redirect("surveys:version_detail", draft.pk)
        elif action == "texts":
            form = VersionTextForm(request.POST)
            forms["text_form"] = form
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.version_update(by=request.user, version=version, **form.cleaned_data)
            messages.success(request, _("已保存。"))
        elif action == "section":
            form = SectionForm(request.POST)
            forms["section_form"] = form
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            services.section_save(by=request.user, version=version, **form.cleaned_data)
            messages.success(request, _("已添加部分。"))
        elif action == "question":
            form = QuestionForm(request.POST, version=version)
            forms["question_form"] = form
            if not form.is_valid():
                raise ValidationError(form.errors.as_data())
            data = form.cleaned_data
            existing = None
            if request.POST.get("question_id"):
                existing = get_object_or_404(
                    Question, pk=request.POST["question_id"], version=version
                )
            services.question_save(by=request.user, question=existing, **data)
            messages.success(request, _("题目已保存。"))
        elif action == "delete_question":
            question = get_object_or_404(
                Question, pk=request.POST.get("question_id"), version=version
            )
            services.question_delete(by=request.user, question=question)
            messages.success(request, _("题目已删除。"))
        elif action == "delete_section":
            section = get_object_or_404(Section, pk=request.POST.get("section_id"), version=version)
            services.section_delete(by=request.user, section=section)
            messages.success(request, _("部分已删除。"))
        else:
            raise Http404
    except SurveyRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        form = next(iter(forms.values()), None)
        if form is not None:
            for field, errs in error.message_dict.items():
                if field in form.fields and form.errors.get(field):
                    continue
                form.add_error(field if field in form.fields else None, errs)
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
        version.refresh_from_db()
        return render(
            request,
            "surveys/version_detail.html",
            _version_context(request, version, **forms),
            status=422,
        )
    return redirect("surveys:version_detail", version.pk)


@staff_required
@require_POST
def dimension_department(request, pk):
    _require_admin(request.user)
    dimension = get_object_or_404(Dimension, pk=pk)
    department = None
    if request.POST.get("department"):
        department = get_object_or_404(
            Department, pk=request.POST["department"], archived_at__isnull=True
        )
    services.dimension_set_department(by=request.user, dimension=dimension, department=department)
    messages.success(request, _("已保存。"))
    return redirect("surveys:questionnaire_list")


# ----------------------------------------------------------------------------- answering


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
        return render(
            request,
            "surveys/answer_refused.html",
            {"title": _("满意度调查"), "message": refused.message},
            status=refused.status,
        )
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
        return render(
            request,
            "surveys/answer_refused.html",
            {"title": _("退订满意度调查"), "message": refused.message},
            status=refused.status,
        )
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
    invitation = get_object_or_404(
        Invitation.objects.select_related("campaign__version", "room__unit__building__community"),
        pk=pk,
    )
    if not services.resident_may_answer(request.user, invitation):
        raise Http404
    try:
        services.check_answerable(invitation)
    except SurveyRefused as refused:
        return render(
            request,
            "surveys/answer_refused.html",
            {"title": _("满意度调查"), "message": refused.message},
            status=refused.status,
        )
    return _answer_page(
        request,
        invitation=invitation,
        post_answer=lambda raw: services.answer_by_resident(
            user=request.user, invitation=invitation, answers=raw
        ),
        template_context={"portal": True},
    )
