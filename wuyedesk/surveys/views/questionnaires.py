"""Questionnaire pages: the list, a version's editor, publishing, the departments of
dimensions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import FormInvalid, add_service_error
from wuyedesk.surveys import selectors, services
from wuyedesk.surveys.forms import (
    AnswerForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    VersionTextForm,
)
from wuyedesk.surveys.models import Dimension, Questionnaire
from wuyedesk.surveys.services import SurveyRefused


@staff_required
def questionnaire_list(request):
    selectors.require_survey_staff(request.user)
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
            "departments": selectors.dimension_departments(),
        },
    )


@staff_required
@require_POST
def questionnaire_new(request):
    services.require_survey_admin(request.user)
    form = QuestionnaireForm(request.POST)
    if form.is_valid():
        try:
            version = services.questionnaire_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
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
            "departments": selectors.dimension_departments(),
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
        question = selectors.question_of(version, editing)
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
    services.require_survey_admin(request.user)
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
                raise FormInvalid(form)
            services.version_update(by=request.user, version=version, **form.cleaned_data)
            messages.success(request, _("已保存。"))
        elif action == "section":
            form = SectionForm(request.POST)
            forms["section_form"] = form
            if not form.is_valid():
                raise FormInvalid(form)
            services.section_save(by=request.user, version=version, **form.cleaned_data)
            messages.success(request, _("已添加部分。"))
        elif action == "question":
            form = QuestionForm(request.POST, version=version)
            forms["question_form"] = form
            if not form.is_valid():
                raise FormInvalid(form)
            data = form.cleaned_data
            existing = None
            if request.POST.get("question_id"):
                existing = selectors.question_of(version, request.POST["question_id"])
            services.question_save(by=request.user, question=existing, **data)
            messages.success(request, _("题目已保存。"))
        elif action == "delete_question":
            question = selectors.question_of(version, request.POST.get("question_id"))
            services.question_delete(by=request.user, question=question)
            messages.success(request, _("题目已删除。"))
        elif action == "delete_section":
            section = selectors.section_of(version, request.POST.get("section_id"))
            services.section_delete(by=request.user, section=section)
            messages.success(request, _("部分已删除。"))
        else:
            raise Http404
    except SurveyRefused as refused:
        messages.error(request, refused.message)
    except (FormInvalid, ValidationError) as error:
        form = next(iter(forms.values()), None)
        if isinstance(error, FormInvalid):
            said = [m for ms in form.errors.values() for m in ms]
        else:
            said = error.messages
            if form is not None:
                add_service_error(form, error)
        messages.error(request, " ".join(said))
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
    services.require_survey_admin(request.user)
    dimension = get_object_or_404(Dimension, pk=pk)
    department = None
    if request.POST.get("department"):
        department = get_object_or_404(
            selectors.dimension_departments(), pk=request.POST["department"]
        )
    services.dimension_set_department(by=request.user, dimension=dimension, department=department)
    messages.success(request, _("已保存。"))
    return redirect("surveys:questionnaire_list")
