"""制度文件 (issue #14, POL-1..3): documents, versions and their workflow, the diff, read and
acknowledge, the periodic evaluation, and the settings in force (服务时限)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.decorators import staff_required
from wuyedesk.core.form_errors import FormInvalid, add_service_error
from wuyedesk.policies import selectors
from wuyedesk.policies.choices import EvaluationStatus, VersionStatus
from wuyedesk.policies.forms import (
    ApproveForm,
    CommentForm,
    ConcludeForm,
    ConsultForm,
    PolicySettingsForm,
    SectionForm,
    StepForm,
    VersionForm,
)
from wuyedesk.policies.models import PolicyEvaluation, PolicySettings
from wuyedesk.policies.services import (
    acknowledgements,
    evaluations,
    policy,
    regulation,
    regulation_fields,
    versions,
)
from wuyedesk.policies.services.settings import SETTINGS_READERS, settings_versions, value_origins

# --- documents ----------------------------------------------------------------------------


@staff_required
def document_list(request):
    documents = list(selectors.documents_visible_to(request.user))
    for document in documents:
        document.current = versions.in_force(document)
        document.progress = (
            versions.in_progress(document) if versions.may_review(request.user) else None
        )
    return render(
        request,
        "policies/document_list.html",
        {
            "documents": documents,
            "pending": acknowledgements.pending_for(request.user),
            "title": _("制度文件"),
        },
    )


@staff_required
def document_detail(request, pk):
    document = selectors.document_for(request.user, pk)
    rows = list(versions.readable_versions(request.user, document))
    return render(
        request,
        "policies/document.html",
        {
            "document": document,
            "versions": rows,
            "current": versions.in_force(document),
            "progress": versions.in_progress(document),
            "may_propose": versions.may_propose(request.user),
            "evaluations": document.evaluations.all()[:20]
            if evaluations.may_read(request.user)
            else [],
            "title": str(document),
        },
    )


@staff_required
@require_POST
def propose(request, pk):
    """ "Propose a change": the revision in progress, or a new draft of the version in force."""
    document = selectors.document_for(request.user, pk)
    draft = versions.draft_open(by=request.user, document=document)
    return redirect("policy_version_edit", pk=draft.pk)


# --- a version: reading and its workflow ----------------------------------------------


def _version_context(request, version, forms=None):
    user = request.user
    sections = list(version.sections.all())
    comments = list(version.comments.select_related("author__staff", "department", "section"))
    by_section = {}
    for comment in comments:
        by_section.setdefault(comment.section_id, []).append(comment)
    for section in sections:
        section.consultation = by_section.get(section.pk, [])
    forms = forms or {}
    may_propose = versions.may_propose(user)
    may_approve = versions.may_approve(user)
    status = version.status
    actions = {
        "consult": may_propose and status in (VersionStatus.DRAFT, VersionStatus.RETURNED),
        "submit": may_propose and status in (VersionStatus.DRAFT, VersionStatus.CONSULTATION),
        "return": may_approve and status == VersionStatus.SUBMITTED,
        "approve": may_approve and status == VersionStatus.SUBMITTED,
        "comment": versions.may_comment(user, version),
        "acknowledge": status == VersionStatus.IN_FORCE
        and acknowledgements.is_concerned(user, version)
        and not version.acknowledgements.filter(user=user).exists(),
    }
    settings_rows = []
    if version.settings_id:
        previous = version.based_on.settings if version.based_on_id else None
        changed = {c["field"] for c in selectors.settings_changes(previous, version.settings)}
        settings_rows = [
            {
                "label": PolicySettings._meta.get_field(name).verbose_name,
                "value": selectors.shown(version.settings, name),
                "changed": name in changed,
            }
            for name in regulation_fields()
        ]
    return {
        "version": version,
        "document": version.document,
        "sections": sections,
        "general_comments": by_section.get(None, []),
        "steps": version.steps.select_related("by__staff"),
        "settings_rows": settings_rows,
        "actions": actions,
        "editable": may_propose
        and status
        in (
            VersionStatus.DRAFT,
            VersionStatus.CONSULTATION,
            VersionStatus.SUBMITTED,
            VersionStatus.RETURNED,
        ),
        "consult_form": forms.get("consult") or ConsultForm(prefix="consult"),
        "submit_form": forms.get("submit") or StepForm(prefix="submit"),
        "return_form": forms.get("return") or StepForm(prefix="return"),
        "approve_form": forms.get("approve") or ApproveForm(prefix="approve"),
        "comment_form": forms.get("comment") or CommentForm(prefix="comment", sections=sections),
        "may_see_acks": has_post(user, *acknowledgements.ACK_KEEPERS)
        and status in (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED),
        "title": f"{version.document.title} · {_('第 %(n)s 版') % {'n': version.number}}",
    }


@staff_required
def version_detail(request, pk):
    version = selectors.version_for(request.user, pk)
    if request.method != "POST":
        return render(request, "policies/version.html", _version_context(request, version))
    action = request.POST.get("action", "")
    handlers = {
        "consult": _consult,
        "submit": _submit,
        "return": _return,
        "approve": _approve,
        "comment": _comment,
        "acknowledge": _acknowledge,
        "remind": _remind,
    }
    if action not in handlers:
        return HttpResponseBadRequest()
    form = handlers[action](request, version)
    if form is None:
        if action == "remind":
            return redirect("policy_acknowledgements", pk=version.pk)
        return redirect("policy_version", pk=version.pk)
    messages.error(request, _("未保存:请更正标出的错误。"))
    version.refresh_from_db()
    context = _version_context(request, version, {action: form})
    return render(request, "policies/version.html", context, status=200)


def _run(request, form, call, done: str):
    """Run a service call for a valid form; None when it went through, else the form with
    the service's refusal on it."""
    if not form.is_valid():
        return form
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return form
    messages.success(request, done)
    return None


def _consult(request, version):
    form = ConsultForm(request.POST, prefix="consult")
    return _run(
        request,
        form,
        lambda d: versions.consult(
            by=request.user, version=version, departments=d["departments"], comment=d["comment"]
        ),
        _("已发起征求意见。"),
    )


def _submit(request, version):
    form = StepForm(request.POST, prefix="submit")
    return _run(
        request,
        form,
        lambda d: versions.submit(by=request.user, version=version, comment=d["comment"]),
        _("已提交公司管理层审批。"),
    )


def _return(request, version):
    form = StepForm(request.POST, prefix="return")
    return _run(
        request,
        form,
        lambda d: versions.return_(by=request.user, version=version, comment=d["comment"]),
        _("已退回。"),
    )


def _approve(request, version):
    form = ApproveForm(request.POST, prefix="approve")
    return _run(
        request,
        form,
        lambda d: versions.approve(
            by=request.user, version=version, effective_at=d["effective_at"], comment=d["comment"]
        ),
        _("已批准,到生效时间自动生效。"),
    )


def _comment(request, version):
    sections = list(version.sections.all())
    form = CommentForm(request.POST, prefix="comment", sections=sections)

    def call(data):
        section = next((s for s in sections if s.pk == data["section"]), None)
        versions.comment_add(by=request.user, version=version, section=section, body=data["body"])

    return _run(request, form, call, _("意见已提交。"))


def _acknowledge(request, version):
    form = StepForm(request.POST, prefix="ack")
    return _run(
        request,
        form,
        lambda d: acknowledgements.acknowledge(by=request.user, version=version),
        _("已确认阅读。"),
    )


def _remind(request, version):
    form = StepForm(request.POST, prefix="remind")
    return _run(
        request,
        form,
        lambda d: acknowledgements.remind(by=request.user, version=version),
        _("已提醒未确认的人员。"),
    )


# --- editing a draft ----------------------------------------------------------------------


def _draft_for(request, pk):
    version = selectors.version_for(request.user, pk)
    if not versions.may_propose(request.user):
        raise PermissionDenied
    return version


@staff_required
def version_edit(request, pk):
    version = _draft_for(request, pk)
    initial = {
        "summary": version.summary,
        "next_review_on": version.next_review_on,
        "requires_staff_consultation": version.requires_staff_consultation,
        "staff_consultation_record": version.staff_consultation_record,
    }
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            versions.version_update(by=request.user, version=version, data=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("policy_version_edit", pk=version.pk)
    if request.method == "POST":
        messages.error(request, _("未保存:请更正标出的错误。"))
    return render(
        request,
        "policies/version_edit.html",
        {
            "version": version,
            "document": version.document,
            "form": form,
            "sections": version.sections.all(),
            "read_only": version.read_only,
            "title": _("编辑修订稿"),
        },
    )


@staff_required
def section_edit(request, pk, section_pk=None):
    version = _draft_for(request, pk)
    section = get_object_or_404(version.sections, pk=section_pk) if section_pk else None
    initial = {}
    if section is not None:
        initial = {
            "heading": section.heading,
            "body": section.body,
            "requirements": ", ".join(section.requirements),
            "position": section.position,
        }
    form = SectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("delete") and section is not None:
        try:
            versions.section_delete(by=request.user, version=version, section=section)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已删除章节。"))
            return redirect("policy_version_edit", pk=version.pk)
    elif request.method == "POST" and form.is_valid():
        try:
            versions.section_save(
                by=request.user, version=version, section=section, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("policy_version_edit", pk=version.pk)
    if request.method == "POST":
        messages.error(request, _("未保存:请更正标出的错误。"))
    return render(
        request,
        "policies/section_form.html",
        {
            "version": version,
            "section": section,
            "form": form,
            "title": section.heading if section else _("新增章节"),
        },
    )


@staff_required
def version_settings(request, pk):
    version = _draft_for(request, pk)
    if version.settings_id is None:
        raise Http404
    form = PolicySettingsForm(request.POST or None, instance=version.settings)
    if request.method == "POST":
        try:
            versions.settings_save(by=request.user, version=version, form=form)
        except FormInvalid:
            pass
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。新设置在此版本批准并生效后才起作用。"))
            return redirect("policy_version_edit", pk=version.pk)
        messages.error(request, _("未保存:请更正标出的错误。"))
    return render(
        request,
        "policies/version_settings.html",
        {"version": version, "form": form, "title": _("服务参数")},
    )


# --- comparing, acknowledgements, evaluations -----------------------------------------


@staff_required
def version_diff(request, pk):
    """Two versions of a document side by side (?a=&b=, defaults: the previous and this)."""
    document = selectors.document_for(request.user, pk)
    readable = {v.pk: v for v in versions.readable_versions(request.user, document)}
    try:
        a_pk, b_pk = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
    except ValueError:
        raise Http404 from None
    if a_pk not in readable or b_pk not in readable:
        raise Http404
    a, b = readable[a_pk], readable[b_pk]
    return render(
        request,
        "policies/diff.html",
        {
            "document": document,
            "diff": selectors.diff(a, b),
            "choices": list(readable.values()),
            "title": _("版本对比"),
        },
    )


@staff_required
def version_acknowledgements(request, pk):
    if not has_post(request.user, *acknowledgements.ACK_KEEPERS):
        raise PermissionDenied
    version = selectors.version_for(request.user, pk)
    return render(
        request,
        "policies/acknowledgements.html",
        {
            "version": version,
            "outstanding": acknowledgements.outstanding(version),
            "done": acknowledgements.acknowledged(version),
            "may_remind": has_post(request.user, Post.MANAGER)
            and version.status == VersionStatus.IN_FORCE,
            "title": _("阅读确认"),
        },
    )


@staff_required
def evaluation_detail(request, pk):
    if not evaluations.may_read(request.user):
        raise PermissionDenied
    evaluation = get_object_or_404(
        PolicyEvaluation.objects.select_related("document", "version", "concluded_by__staff"),
        pk=pk,
    )
    may_conclude = (
        has_post(request.user, Post.MANAGER) and evaluation.status == EvaluationStatus.OPEN
    )
    form = ConcludeForm(request.POST or None)
    if request.method == "POST":
        if not may_conclude and not has_post(request.user, Post.MANAGER):
            raise PermissionDenied
        if form.is_valid():
            try:
                evaluations.conclude(
                    by=request.user,
                    evaluation=evaluation,
                    decision=form.cleaned_data["decision"],
                    conclusion=form.cleaned_data["conclusion"],
                    next_review_on=form.cleaned_data["next_review_on"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("评估结论已记录。"))
                return redirect("policy_evaluation", pk=evaluation.pk)
        messages.error(request, _("未保存:请更正标出的错误。"))
    return render(
        request,
        "policies/evaluation.html",
        {
            "evaluation": evaluation,
            "form": form,
            "may_conclude": may_conclude,
            "title": _("制度定期评估"),
        },
    )


# --- the settings in force ----------------------------------------------------------------


@staff_required
@require_GET
def policy_settings(request):
    """The values in force, which version set each and since when, the history of versions,
    and "propose a change" (a draft of the regulation)."""
    if not has_post(request.user, *SETTINGS_READERS):
        raise PermissionDenied
    current = policy()
    history = list(settings_versions())
    origins = value_origins(history)
    fields = [PolicySettings._meta.get_field(name) for name in regulation_fields()]
    rows = [
        {
            "field": f,
            "value": selectors.shown(current, f.name),
            "origin": origins.get(f.name),
        }
        for f in fields
    ]
    now = timezone.now()
    document = regulation()
    return render(
        request,
        "policies/settings.html",
        {
            "current": current,
            "document": document,
            "rows": rows,
            "fields": fields,
            "history": [
                (v, [selectors.shown(v.settings, f.name) for f in fields], v.effective_at > now)
                for v in reversed(history)
            ],
            "progress": versions.in_progress(document),
            "may_propose": versions.may_propose(request.user),
            "title": _("服务时限"),
        },
    )
