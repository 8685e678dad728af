"""The revision of a policy document (POL-2), step by step.

draft → consultation (the manager and the chosen departments comment per section; a
staff-consultation record is required when the version says so) → submitted → approved with
an effective time, or returned, by company management (executives) → in force at its
effective time (the worker, `switch_due`, once) → superseded by the next version.

- The manager proposes: opens a draft (a copy of the version in force, its sections and its
  settings), edits it, opens consultation, submits. Editing a version under review (in
  consultation, submitted or returned) puts it back to draft: the review restarts, a step
  says so.
- Executives approve or return. Approved, in force and superseded versions are read-only.
- One revision in progress per document, one version in force (both database constraints).

Every step is a PolicyStep row and an audit row, written in the step's transaction.
"""

import datetime as dt
import re

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, is_staff_member, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.core import reference
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.policies import signals
from wuyedesk.policies.choices import (
    EDITABLE_STATES,
    IN_PROGRESS,
    VersionStatus,
)
from wuyedesk.policies.models import (
    PolicyComment,
    PolicyDocument,
    PolicySection,
    PolicySettings,
    PolicyStep,
    PolicyVersion,
)
from wuyedesk.policies.services.acknowledgements import concerned
from wuyedesk.policies.services.settings import regulation_fields

PROPOSERS = (Post.MANAGER,)
APPROVERS = (Post.EXECUTIVE,)
# Who sees versions that are not (yet) in force: drafts, consultation, submissions.
REVIEWERS = (Post.MANAGER, Post.EXECUTIVE, Post.ADMIN)
# The tags a section's rich text may keep (nh3 removes everything else, and every script).
SECTION_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "code",
}  # fmt: skip
REQUIREMENT_ID = re.compile(r"^[A-Z]{2,5}-\d{1,3}$")
SECTION_FIELDS = ("heading", "body", "requirements", "position")
META_FIELDS = (
    "summary",
    "next_review_on",
    "requires_staff_consultation",
    "staff_consultation_record",
)


def _invalid(field, message, code="invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def may_propose(user) -> bool:
    return has_post(user, *PROPOSERS)


def may_approve(user) -> bool:
    return has_post(user, *APPROVERS)


def may_review(user) -> bool:
    return has_post(user, *REVIEWERS)


def sanitize(html: str) -> str:
    """A section's rich text as it may be stored and shown: harmless markup only."""
    return nh3.clean(html or "", tags=SECTION_TAGS).strip()


def parse_requirements(value) -> list[str]:
    """ "INQ-1, CMP-3" or a list → ["INQ-1", "CMP-3"]; a malformed ID is refused."""
    items = value if isinstance(value, list | tuple) else re.split(r"[,,;;\s]+", value or "")
    found = []
    for item in (str(i).strip().upper() for i in items):
        if not item:
            continue
        if not REQUIREMENT_ID.match(item):
            raise _invalid(
                "requirements",
                _("需求编号格式应为“INQ-1”:%(value)s") % {"value": item},
                "bad_requirement",
            )
        if item not in found:
            found.append(item)
    return found


def _step(version, by, from_status, to_status, comment="") -> PolicyStep:
    step = PolicyStep.objects.create(
        version=version,
        by=by if getattr(by, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        comment=comment or "",
    )
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=version,
        changes={"status": [from_status, to_status]} if from_status != to_status else {},
        details={"step": step.pk, "comment": (comment or "")[:300]},
    )
    return step


def _lock(version) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("document").get(pk=version.pk)


def _move(version, by, to_status, comment="", **fields) -> PolicyVersion:
    before = version.status
    version.status = to_status
    for name, value in fields.items():
        setattr(version, name, value)
    version.save()
    _step(version, by, before, to_status, comment)
    return version


# --- drafts -------------------------------------------------------------------------------


def in_force(document) -> PolicyVersion | None:
    return document.versions.filter(status=VersionStatus.IN_FORCE).first()


def in_progress(document) -> PolicyVersion | None:
    return document.versions.filter(status__in=IN_PROGRESS).first()


@transaction.atomic
def draft_open(*, by, document: PolicyDocument, summary: str = "") -> PolicyVersion:
    """The manager's "propose a change": the revision in progress if there is one, else a
    new draft copied from the version in force (its sections and its settings)."""
    if not may_propose(by):
        raise PermissionDenied
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    current = in_progress(document)
    if current is not None:
        return current
    base = in_force(document)
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    settings_row = None
    if document.carries_settings:
        source = base.settings if base is not None and base.settings_id else PolicySettings()
        values = {name: getattr(source, name) for name in regulation_fields()}
        settings_row = PolicySettings.objects.create(created_by=by, note="", **values)
    draft = PolicyVersion.objects.create(
        document=document,
        number=number,
        status=VersionStatus.DRAFT,
        summary=(summary or "").strip()[:300],
        based_on=base,
        next_review_on=base.next_review_on if base else None,
        requires_staff_consultation=base.requires_staff_consultation if base else False,
        settings=settings_row,
        created_by=by,
    )
    if base is not None:
        PolicySection.objects.bulk_create(
            PolicySection(
                version=draft,
                key=s.key,
                position=s.position,
                heading=s.heading,
                body=s.body,
                requirements=s.requirements,
            )
            for s in base.sections.all()
        )
        draft.consult_departments.set(base.consult_departments.all())
    _step(draft, by, "", VersionStatus.DRAFT, draft.summary)
    return draft


def _editable(version, by, field: str) -> PolicyVersion:
    """The version locked for an edit by the manager; an edit under review restarts it."""
    if not may_propose(by):
        raise PermissionDenied
    version = _lock(version)
    if version.status not in EDITABLE_STATES:
        raise _invalid(
            field,
            _("第 %(n)s 版已%(status)s,只读,不能修改;请提出新的修订。")
            % {"n": version.number, "status": version.get_status_display()},
            "read_only",
        )
    return version


def _restart_review(version, by) -> None:
    if version.status != VersionStatus.DRAFT:
        _move(version, by, VersionStatus.DRAFT, _("审议中修改了内容,重新审议。"))


@transaction.atomic
def version_update(*, by, version, data: dict) -> PolicyVersion:
    """The version's description: summary, next review date, staff consultation."""
    unknown = set(data) - set(META_FIELDS)
    if unknown:
        raise _invalid(sorted(unknown)[0], _("不能修改此字段。"), "unknown_field")
    version = _editable(version, by, next(iter(data), "summary"))
    before = model_to_dict(version, fields=META_FIELDS)
    for name, value in data.items():
        setattr(version, name, value.strip() if isinstance(value, str) else value)
    if version.next_review_on is not None and version.next_review_on <= timezone.localdate():
        raise _invalid("next_review_on", _("下次评估日期须在今天之后。"), "past")
    changes = diff_fields(before, model_to_dict(version, fields=META_FIELDS))
    if not changes:
        return version
    version.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=version, changes=changes)
    _restart_review(version, by)
    return version


@transaction.atomic
def section_save(*, by, version, section=None, data: dict) -> PolicySection:
    """Add a section (no `section`) or change one: heading, body (sanitised), requirement
    IDs, position."""
    version = _editable(version, by, next(iter(data), "body"))
    if section is not None and section.version_id != version.pk:
        raise PermissionDenied
    heading = (data.get("heading", section.heading if section else "") or "").strip()
    body = sanitize(data.get("body", section.body if section else ""))
    requirements = parse_requirements(
        data.get("requirements", section.requirements if section else [])
    )
    if not heading:
        raise _invalid("heading", _("请填写章节标题。"), "required")
    if not body:
        raise _invalid("body", _("请填写正文。"), "required")
    if section is None:
        key = (version.sections.aggregate(k=Max("key"))["k"] or 0) + 1
        position = data.get("position") or key
        section = PolicySection.objects.create(
            version=version,
            key=key,
            position=position,
            heading=heading[:120],
            body=body,
            requirements=requirements,
        )
        audit_record(actor=by, action=AuditAction.CREATE, obj=version, details={"section": key})
    else:
        before = model_to_dict(section, fields=SECTION_FIELDS)
        section.heading, section.body, section.requirements = heading[:120], body, requirements
        if data.get("position") is not None:
            section.position = data["position"]
        changes = diff_fields(before, model_to_dict(section, fields=SECTION_FIELDS))
        if not changes:
            return section
        section.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=version,
            changes=changes,
            details={"section": section.key},
        )
    _restart_review(version, by)
    return section


@transaction.atomic
def section_delete(*, by, version, section) -> None:
    version = _editable(version, by, "section")
    if section.version_id != version.pk:
        raise PermissionDenied
    audit_record(
        actor=by,
        action=AuditAction.ARCHIVE,
        obj=version,
        details={"section": section.key, "heading": section.heading},
    )
    section.delete()
    _restart_review(version, by)


@transaction.atomic
def settings_save(*, by, version, form) -> PolicySettings:
    """The settings section of a draft of the regulation, from a bound PolicySettingsForm
    whose instance is the draft's settings row (the model's validators and clean() decide)."""
    # The refusal names the first setting the request carries (not a page's csrf token).
    first = next((name for name in form.data if name in form.fields), "settings")
    version = _editable(version, by, first)
    if version.settings_id is None or form.instance.pk != version.settings_id:
        raise _invalid("settings", _("此文件不含服务参数。"), "no_settings")
    if not form.is_valid():
        raise FormInvalid(form)
    before = {
        f: getattr(PolicySettings.objects.get(pk=version.settings_id), f) for f in form.fields
    }
    row = form.save()
    changes = diff_fields(before, {f: getattr(row, f) for f in form.fields if hasattr(row, f)})
    if changes:
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=version,
            changes=changes,
            details={"settings": row.pk},
        )
        _restart_review(version, by)
    return row


# --- consultation, submission, decision -------------------------------------------------


@transaction.atomic
def consult(*, by, version, departments=(), comment: str = "") -> PolicyVersion:
    """Open the consultation: the chosen departments (and the manager) may comment."""
    if not may_propose(by):
        raise PermissionDenied
    version = _lock(version)
    if version.status not in (VersionStatus.DRAFT, VersionStatus.RETURNED):
        raise _invalid("status", _("只有草稿或退回的版本可以征求意见。"), "invalid_state")
    if not version.sections.exists():
        raise _invalid("sections", _("请先写好至少一个章节。"), "required")
    version.consult_departments.set(departments)
    _move(version, by, VersionStatus.CONSULTATION, comment)
    members = list(consultees(version))
    if members:
        text = _("请对制度修订稿提出意见:%(doc)s 第 %(n)s 版") % {
            "doc": version.document.title,
            "n": version.number,
        }
        signals.send_notice(
            users=members, kind="policy_consult", text=text, version=version, key="consult"
        )
    return version


def consultees(version):
    """Active staff of the departments consulted on the version."""
    return User.objects.filter(
        is_active=True,
        staff__archived_at__isnull=True,
        staff__department__in=version.consult_departments.all(),
    ).distinct()


def may_comment(user, version) -> bool:
    if version.status != VersionStatus.CONSULTATION:
        return False
    if may_propose(user):
        return True
    staff = staff_of(user)
    return bool(
        staff
        and staff.department_id
        and version.consult_departments.filter(pk=staff.department_id).exists()
    )


@transaction.atomic
def comment_add(*, by, version, section=None, body: str) -> PolicyComment:
    version = _lock(version)
    if version.status != VersionStatus.CONSULTATION:
        raise _invalid("body", _("只有征求意见中的版本可以提意见。"), "invalid_state")
    if not may_comment(by, version):
        raise PermissionDenied
    if section is not None and section.version_id != version.pk:
        raise _invalid("section", _("章节不属于此版本。"), "invalid")
    body = (body or "").strip()
    if not body:
        raise _invalid("body", _("请填写意见。"), "required")
    staff = staff_of(by)
    comment = PolicyComment.objects.create(
        version=version,
        section=section,
        author=by,
        department_id=staff.department_id if staff else None,
        body=body[:4000],
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=comment,
        label=str(version),
        details={"version": version.pk, "section": section.key if section else None},
    )
    return comment


@transaction.atomic
def submit(*, by, version, comment: str = "") -> PolicyVersion:
    """To company management for approval."""
    if not may_propose(by):
        raise PermissionDenied
    version = _lock(version)
    if version.status not in (VersionStatus.DRAFT, VersionStatus.CONSULTATION):
        raise _invalid("status", _("只有草稿或征求意见中的版本可以提交审批。"), "invalid_state")
    if not version.sections.exists():
        raise _invalid("sections", _("请先写好至少一个章节。"), "required")
    if version.requires_staff_consultation and not version.staff_consultation_record.strip():
        raise _invalid(
            "staff_consultation_record",
            _("此修订须经职工讨论协商:请先记录协商情况再提交。"),
            "required",
        )
    if version.settings_id:
        version.settings.full_clean(exclude=["created_by"])
    _move(version, by, VersionStatus.SUBMITTED, comment)
    signals.send_notice(
        users=list(_people(*APPROVERS)),
        kind="policy_submitted",
        text=_("制度修订待您审批:%(doc)s 第 %(n)s 版")
        % {"doc": version.document.title, "n": version.number},
        version=version,
        key="submitted",
    )
    return version


def _people(*posts):
    return User.objects.filter(
        is_active=True, staff__archived_at__isnull=True, staff__posts__post__in=posts
    ).distinct()


@transaction.atomic
def return_(*, by, version, comment: str) -> PolicyVersion:
    """Company management sends the version back to the manager, saying why."""
    if not may_approve(by):
        raise PermissionDenied
    version = _lock(version)
    if version.status != VersionStatus.SUBMITTED:
        raise _invalid("status", _("只有待审批的版本可以退回。"), "invalid_state")
    if not (comment or "").strip():
        raise _invalid("comment", _("退回时请写明修改意见。"), "required")
    _move(version, by, VersionStatus.RETURNED, comment.strip())
    signals.send_notice(
        users=[version.created_by] if version.created_by_id else list(_people(*PROPOSERS)),
        kind="policy_returned",
        text=_("制度修订被退回:%(doc)s 第 %(n)s 版")
        % {"doc": version.document.title, "n": version.number},
        version=version,
        key="returned",
    )
    return version


def _start_of_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


@transaction.atomic
def approve(*, by, version, effective_at: dt.datetime | None, comment: str = "") -> PolicyVersion:
    """Company management approves the version to take effect at `effective_at` (not in the
    past). A version effective now goes into force at once; a later one when the worker
    meets its time (`switch_due`)."""
    if not may_approve(by):
        raise PermissionDenied
    version = _lock(version)
    if version.status != VersionStatus.SUBMITTED:
        raise _invalid("status", _("只有待审批的版本可以批准。"), "invalid_state")
    if effective_at is None:
        raise _invalid("effective_at", _("请填写生效时间。"), "required")
    now = timezone.now()
    if effective_at < _start_of_minute(now):
        raise _invalid("effective_at", _("生效时间不能早于现在。"), "past")
    if version.settings_id:
        version.settings.full_clean(exclude=["created_by"])
    _move(
        version,
        by,
        VersionStatus.APPROVED,
        comment,
        effective_at=effective_at,
        approved_by=by,
        approved_at=now,
    )
    if effective_at <= now:
        switch_due(now=now)
    return version


# --- entry into force (the worker) ----------------------------------------------------


def switch_due(now: dt.datetime | None = None) -> int:
    """Put in force every approved version whose effective time has come, once each: the
    version is claimed under a row lock (a second worker finds it in force and does
    nothing), the document's previous version in force becomes superseded first (one in
    force per document, a database constraint too). Returns how many switched."""
    now = now or timezone.now()
    switched = 0
    due = PolicyVersion.objects.filter(status=VersionStatus.APPROVED, effective_at__lte=now)
    for pk in due.order_by("effective_at").values_list("pk", flat=True):
        with transaction.atomic():
            version = (
                PolicyVersion.objects.select_for_update()
                .select_related("document")
                .filter(pk=pk, status=VersionStatus.APPROVED, effective_at__lte=now)
                .first()
            )
            if version is None:
                continue
            for old in PolicyVersion.objects.select_for_update().filter(
                document_id=version.document_id, status=VersionStatus.IN_FORCE
            ):
                _move(old, None, VersionStatus.SUPERSEDED, str(version))
            _move(version, None, VersionStatus.IN_FORCE, "", in_force_at=now)
            document = version.document
            document.next_review_on = version.next_review_on
            document.save(update_fields=["next_review_on"])
            reference.changed()
            signals.send_notice(
                users=list(concerned(version)),
                kind="policy_in_force",
                text=_("新版制度已生效,请阅读并确认:%(doc)s 第 %(n)s 版")
                % {"doc": document.title, "n": version.number},
                version=version,
                key="in_force",
            )
            switched += 1
    return switched


# --- reading --------------------------------------------------------------------------


def may_read(user, version) -> bool:
    """Staff read the versions in force and superseded; drafts and reviews are for the
    manager, executives and the administrator, and (in consultation) the consulted."""
    if not is_staff_member(user):
        return False
    if version.status in (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED) or may_review(user):
        return True
    return version.status == VersionStatus.CONSULTATION and may_comment(user, version)


def readable_versions(user, document):
    """The versions of `document` the user may see, newest first."""
    qs = document.versions.select_related("approved_by__staff", "created_by__staff")
    if may_review(user):
        return qs.order_by("-number")
    staff = staff_of(user)
    visible = [VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED]
    condition = Q(status__in=visible)
    if staff and staff.department_id:
        condition |= Q(status=VersionStatus.CONSULTATION, consult_departments=staff.department_id)
    return qs.filter(condition).distinct().order_by("-number")
