"""/api/v1/policies: policy documents, their versions and workflow, the settings in force and
their history, the diff, read-and-acknowledge and the periodic evaluation (issue #14).

Reading: staff read documents and the versions in force or superseded; drafts and reviews
are for the manager, executives and the administrator (and the consulted departments
during consultation) — any other version is a 404. Actions follow the workflow's posts
(the manager proposes and consults, executives approve or return, staff acknowledge): a
403 otherwise. Bad input is a 422 naming the field.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema

from wuyedesk.accounts.access import has_post, is_staff_member
from wuyedesk.api.schemas import ErrorOut, Id, Text
from wuyedesk.policies import selectors
from wuyedesk.policies.forms import PolicySettingsForm
from wuyedesk.policies.models import PolicyEvaluation, PolicySettings, PolicyVersion
from wuyedesk.policies.services import (
    acknowledgements,
    evaluations,
    policy,
    regulation,
    regulation_fields,
    versions,
)
from wuyedesk.policies.services.settings import SETTINGS_READERS, settings_versions, value_origins
from wuyedesk.properties.models import Department

router = Router(tags=["policies"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied
    return request.auth


def _iso(value):
    return value.isoformat() if value else None


def _name(user):
    staff = getattr(user, "staff", None) if user is not None else None
    return staff.name if staff else None


def _settings_out(row) -> dict | None:
    if row is None:
        return None
    return {name: getattr(row, name) for name in regulation_fields()}


def _document_out(document) -> dict:
    current = versions.in_force(document)
    return {
        "id": document.pk,
        "number": document.number,
        "title": document.title,
        "owner_department_id": document.owner_department_id,
        "owner_department": document.owner_department.name if document.owner_department else None,
        "audience": document.audience,
        "carries_settings": document.carries_settings,
        "next_review_on": _iso(document.next_review_on),
        "version_in_force_id": current.pk if current else None,
    }


def _version_brief(version) -> dict:
    return {
        "id": version.pk,
        "document_id": version.document_id,
        "number": version.number,
        "status": version.status,
        "summary": version.summary,
        "based_on_id": version.based_on_id,
        "effective_at": _iso(version.effective_at),
        "in_force_at": _iso(version.in_force_at),
        "next_review_on": _iso(version.next_review_on),
        "approved_by": _name(version.approved_by),
        "approved_at": _iso(version.approved_at),
    }


def _version_out(version) -> dict:
    sections = list(version.sections.all())
    return _version_brief(version) | {
        "requires_staff_consultation": version.requires_staff_consultation,
        "staff_consultation_record": version.staff_consultation_record,
        "consult_department_ids": list(version.consult_departments.values_list("pk", flat=True)),
        "sections": [
            {
                "id": s.pk,
                "key": s.key,
                "position": s.position,
                "heading": s.heading,
                "body": s.body,
                "requirements": s.requirements,
            }
            for s in sections
        ],
        "settings": _settings_out(version.settings) if version.settings_id else None,
        "comments": [
            {
                "id": c.pk,
                "section_id": c.section_id,
                "author": _name(c.author),
                "department": c.department.name if c.department else None,
                "body": c.body,
                "at": c.created_at.isoformat(),
            }
            for c in version.comments.select_related("author__staff", "department")
        ],
        "steps": [
            {
                "at": s.at.isoformat(),
                "by": _name(s.by),
                "from_status": s.from_status,
                "to_status": s.to_status,
                "comment": s.comment,
            }
            for s in version.steps.select_related("by__staff")
        ],
    }


# --- documents and versions -----------------------------------------------------------


@router.get("/documents", response={200: list[dict], **ERRORS}, operation_id="policy_documents")
def document_list(request):
    """Every policy document with its version in force."""
    return [_document_out(d) for d in selectors.documents_visible_to(_staff(request))]


@router.get("/documents/{pk}", response={200: dict, **ERRORS}, operation_id="policy_document")
def document_get(request, pk: Id):
    """A document and the versions the caller may read, newest first."""
    user = _staff(request)
    document = selectors.document_for(user, pk)
    return _document_out(document) | {
        "versions": [_version_brief(v) for v in versions.readable_versions(user, document)]
    }


class PolicyProposeIn(Schema):
    summary: Text = Field("", description="what the revision is about")


@router.post("/documents/{pk}/draft", response={200: dict, **ERRORS}, operation_id="policy_propose")
def propose(request, pk: Id, payload: PolicyProposeIn):
    """The manager's "propose a change": the revision in progress, or a new draft copied
    from the version in force (sections and settings)."""
    user = _staff(request)
    document = selectors.document_for(user, pk)
    return _version_out(versions.draft_open(by=user, document=document, summary=payload.summary))


@router.get("/versions/{pk}", response={200: dict, **ERRORS}, operation_id="policy_version")
def version_get(request, pk: Id):
    """A version: sections, settings (the regulation's), consultation comments, steps."""
    return _version_out(selectors.version_for(_staff(request), pk))


class PolicyVersionIn(Schema):
    summary: str | None = Field(None, max_length=300)
    next_review_on: dt.date | None = None
    requires_staff_consultation: bool | None = None
    staff_consultation_record: Text | None = None


@router.patch("/versions/{pk}", response={200: dict, **ERRORS}, operation_id="policy_version_edit")
def version_edit(request, pk: Id, payload: PolicyVersionIn):
    """Change the description of a version being revised (an edit under review restarts it)."""
    user = _staff(request)
    version = selectors.version_for(user, pk)
    data = payload.dict(exclude_unset=True)
    return _version_out(versions.version_update(by=user, version=version, data=data))


class PolicySectionIn(Schema):
    heading: str | None = Field(None, max_length=120)
    body: Text | None = Field(None, description="rich text; sanitised (nh3)")
    requirements: list[str] | None = Field(None, description='e.g. ["INQ-1", "INQ-4"]')
    position: int | None = Field(None, ge=0, le=999)


@router.post(
    "/versions/{pk}/sections", response={200: dict, **ERRORS}, operation_id="policy_section_add"
)
def section_add(request, pk: Id, payload: PolicySectionIn):
    user = _staff(request)
    version = selectors.version_for(user, pk)
    versions.section_save(by=user, version=version, data=payload.dict(exclude_none=True))
    return _version_out(selectors.version_for(user, pk))


@router.patch(
    "/versions/{pk}/sections/{section_id}",
    response={200: dict, **ERRORS},
    operation_id="policy_section_edit",
)
def section_edit(request, pk: Id, section_id: Id, payload: PolicySectionIn):
    user = _staff(request)
    version = selectors.version_for(user, pk)
    section = get_object_or_404(version.sections, pk=section_id)
    data = payload.dict(exclude_none=True)
    versions.section_save(by=user, version=version, section=section, data=data)
    return _version_out(selectors.version_for(user, pk))


@router.delete(
    "/versions/{pk}/sections/{section_id}",
    response={200: dict, **ERRORS},
    operation_id="policy_section_delete",
)
def section_delete(request, pk: Id, section_id: Id):
    user = _staff(request)
    version = selectors.version_for(user, pk)
    section = get_object_or_404(version.sections, pk=section_id)
    versions.section_delete(by=user, version=version, section=section)
    return _version_out(selectors.version_for(user, pk))


@router.patch(
    "/versions/{pk}/settings", response={200: dict, **ERRORS}, operation_id="policy_settings_edit"
)
def settings_edit(request, pk: Id, payload: Body[dict]):
    """Change settings of a draft of the regulation: {field: value} for any regulation field
    (the rest keep their values). Units and ranges: GET /policies/settings/fields."""
    user = _staff(request)
    version = selectors.version_for(user, pk)
    if version.settings_id is None:
        raise ValidationError(
            {"settings": ValidationError(_("此文件不含服务参数。"), code="no_settings")}
        )
    unknown = sorted(set(payload) - set(regulation_fields()))
    if unknown:
        raise ValidationError(
            {unknown[0]: ValidationError(_("没有这个参数。"), code="unknown_field")}
        )
    data = _settings_out(version.settings) | payload
    form = PolicySettingsForm(data=data, instance=version.settings)
    versions.settings_save(by=user, version=version, form=form)
    return _version_out(selectors.version_for(user, pk))


class PolicyCommentIn(Schema):
    body: Text
    section_id: Id | None = None


@router.post(
    "/versions/{pk}/comments", response={200: dict, **ERRORS}, operation_id="policy_comment"
)
def comment_add(request, pk: Id, payload: PolicyCommentIn):
    """A consultation comment (the manager or a member of a consulted department)."""
    user = _staff(request)
    version = selectors.version_for(user, pk)
    section = None
    if payload.section_id is not None:
        section = version.sections.filter(pk=payload.section_id).first()
        if section is None:
            raise ValidationError(
                {"section_id": ValidationError(_("章节不属于此版本。"), code="invalid")}
            )
    versions.comment_add(by=user, version=version, section=section, body=payload.body)
    return _version_out(version)


@router.get(
    "/versions/{pk}/acknowledgements",
    response={200: dict, **ERRORS},
    operation_id="policy_acknowledgements",
)
def acknowledgements_get(request, pk: Id):
    """Who acknowledged the version and who has not (manager, executives, administrator)."""
    user = _staff(request)
    if not has_post(user, *acknowledgements.ACK_KEEPERS):
        raise PermissionDenied
    version = selectors.version_for(user, pk)
    return {
        "version_id": version.pk,
        "outstanding": [
            {"user_id": u.pk, "name": u.staff.name, "employee_no": u.staff.employee_no}
            for u in acknowledgements.outstanding(version)
        ],
        "acknowledged": [
            {"user_id": a.user_id, "name": a.user.staff.name, "at": a.at.isoformat()}
            for a in acknowledgements.acknowledged(version)
        ],
    }


class PolicyActionIn(Schema):
    comment: Text = ""
    effective_at: dt.datetime | None = Field(None, description="approve: when it takes effect")
    department_ids: list[Id] = Field([], description="consult: the departments asked")


@router.post(
    "/versions/{pk}/{action}", response={200: dict, **ERRORS}, operation_id="policy_action"
)
def action(
    request,
    pk: Id,
    action: Literal["consult", "submit", "return", "approve", "acknowledge", "remind"],
    payload: PolicyActionIn,
):
    """consult / submit (the manager); approve / return (executives); acknowledge (staff
    concerned by the version in force); remind (the manager: everyone who has not
    acknowledged)."""
    user = _staff(request)
    version = selectors.version_for(user, pk)
    if action == "consult":
        departments = list(Department.objects.filter(pk__in=payload.department_ids))
        if len(departments) != len(set(payload.department_ids)):
            raise ValidationError(
                {"department_ids": ValidationError(_("部门不存在。"), code="invalid")}
            )
        versions.consult(by=user, version=version, departments=departments, comment=payload.comment)
    elif action == "submit":
        versions.submit(by=user, version=version, comment=payload.comment)
    elif action == "return":
        versions.return_(by=user, version=version, comment=payload.comment)
    elif action == "approve":
        versions.approve(
            by=user, version=version, effective_at=payload.effective_at, comment=payload.comment
        )
    elif action == "acknowledge":
        acknowledgements.acknowledge(by=user, version=version)
    else:
        acknowledgements.remind(by=user, version=version)
    return _version_out(selectors.version_for(user, pk))


class PolicyDiffQuery(Schema):
    a: Id
    b: Id


@router.get("/documents/{pk}/diff", response={200: dict, **ERRORS}, operation_id="policy_diff")
def diff(request, pk: Id, query: Query[PolicyDiffQuery]):
    """Two versions section by section (paired by section key) and the changed settings."""
    user = _staff(request)
    document = selectors.document_for(user, pk)
    readable = {v.pk: v for v in versions.readable_versions(user, document)}
    for name in ("a", "b"):
        if getattr(query, name) not in readable:
            raise ValidationError({name: ValidationError(_("没有这个版本。"), code="not_found")})
    result = selectors.diff(readable[query.a], readable[query.b])
    return {
        "a": query.a,
        "b": query.b,
        "settings": result["settings"],
        "sections": [
            {
                "key": s["key"],
                "state": s["state"],
                "old_heading": s["old"].heading if s["old"] else None,
                "new_heading": s["new"].heading if s["new"] else None,
                "old_body": s["old"].body if s["old"] else None,
                "new_body": s["new"].body if s["new"] else None,
                "lines": s["lines"],
            }
            for s in result["sections"]
        ],
    }


# --- the settings in force --------------------------------------------------------------


def _settings_reader(request):
    user = _staff(request)
    if not has_post(user, *SETTINGS_READERS):
        raise PermissionDenied
    return user


@router.get("/settings", response={200: dict, **ERRORS}, operation_id="policy_settings")
def settings_in_force(request):
    """The settings in force, the version that set each value and since when."""
    _settings_reader(request)
    current = policy()
    origins = value_origins()
    version = PolicyVersion.objects.filter(settings_id=current.pk).first()
    return {
        "document_id": regulation().pk,
        "version_id": version.pk if version else None,
        "version_number": version.number if version else None,
        "settings": _settings_out(current),
        "set_by": {
            name: {
                "version_id": origin.pk,
                "version_number": origin.number,
                "since": origin.effective_at.isoformat(),
            }
            for name, origin in origins.items()
        },
    }


@router.get(
    "/settings/history",
    response={200: list[dict], **ERRORS},
    operation_id="policy_settings_history",
)
def settings_history(request):
    """Every approved version of the regulation's settings, newest first (one not yet in
    force comes first, with its effective time)."""
    _settings_reader(request)
    return [
        _version_brief(v) | {"settings": _settings_out(v.settings)}
        for v in reversed(list(settings_versions()))
    ]


@router.get(
    "/settings/fields", response={200: list[dict], **ERRORS}, operation_id="policy_settings_fields"
)
def settings_fields(request):
    """Each setting: its label, help, type, allowed range or choices."""
    _settings_reader(request)
    rows = []
    for name in regulation_fields():
        field = PolicySettings._meta.get_field(name)
        limits = {type(v).__name__: getattr(v, "limit_value", None) for v in field.validators}
        rows.append(
            {
                "name": name,
                "label": str(field.verbose_name),
                "help": str(field.help_text),
                "type": field.get_internal_type(),
                "min": limits.get("MinValueValidator"),
                "max": limits.get("MaxValueValidator"),
                "choices": [[k, str(v)] for k, v in field.flatchoices] if field.choices else None,
            }
        )
    return rows


# --- evaluations ------------------------------------------------------------------------


def _evaluation_out(e) -> dict:
    return {
        "id": e.pk,
        "document_id": e.document_id,
        "version_id": e.version_id,
        "due_on": e.due_on.isoformat(),
        "period_start": e.period_start.isoformat(),
        "period_end": e.period_end.isoformat(),
        "status": e.status,
        "figures": e.figures,
        "decision": e.decision,
        "conclusion": e.conclusion,
        "concluded_by": _name(e.concluded_by),
        "concluded_at": _iso(e.concluded_at),
        "revision_id": e.revision_id,
    }


def _evaluation(request, pk):
    user = _staff(request)
    if not evaluations.may_read(user):
        raise PermissionDenied
    return user, get_object_or_404(PolicyEvaluation, pk=pk)


@router.get("/evaluations/{pk}", response={200: dict, **ERRORS}, operation_id="policy_evaluation")
def evaluation_get(request, pk: Id):
    """An evaluation with its figures (each with the link to its tickets) and conclusion."""
    return _evaluation_out(_evaluation(request, pk)[1])


class PolicyConcludeIn(Schema):
    decision: Literal["keep", "revise"]
    conclusion: Text
    next_review_on: dt.date | None = None


@router.post(
    "/evaluations/{pk}/conclude",
    response={200: dict, **ERRORS},
    operation_id="policy_evaluation_conclude",
)
def evaluation_conclude(request, pk: Id, payload: PolicyConcludeIn):
    """The manager's conclusion: keep (with the next review date) or revise (a new draft)."""
    user, evaluation = _evaluation(request, pk)
    evaluation = evaluations.conclude(
        by=user,
        evaluation=evaluation,
        decision=payload.decision,
        conclusion=payload.conclusion,
        next_review_on=payload.next_review_on,
    )
    return _evaluation_out(evaluation)
