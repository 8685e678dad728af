"""Writes of recruitment (MGR-2): open and close an opening, record a candidate (with a CV),
record a stage with its interviewer and note, make the offer, hire. Each: permission,
validation, the change and its audit row in one transaction; nothing changes on bad input.
A candidate's full phone or ID number and their CV are given out only through `reveal` and
`cv_open`, each written to the access log."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import in_scope, staff_of
from wuyedesk.accounts.choices import HIRING_POSTS
from wuyedesk.accounts.models import Staff
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.lib.files import sniff
from wuyedesk.lib.privacy import (
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from wuyedesk.policies.services import policy
from wuyedesk.properties.models import Community
from wuyedesk.recruitment import selectors
from wuyedesk.recruitment.choices import MOVES, OpeningStatus, Source, Stage
from wuyedesk.recruitment.models import HEADCOUNT_MAX, Candidate, Opening, StageRecord

TITLE_MAX, NAME_MAX, NOTE_MAX = 80, 50, 2000
PERSONAL = ("phone", "id_number")
ALLOWED_NAMES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"}
HIRING_POST_VALUES = [p.value for p in HIRING_POSTS]


def invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def _text(value: str, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(field, _("请填写此项。"), "required")
    if len(value) > limit:
        raise invalid(field, _("不能超过 %(n)s 个字。") % {"n": limit}, "max_length")
    return value


def require_manage(by, opening: Opening) -> None:
    if not selectors.manages(by, opening):
        raise PermissionDenied


# --- openings -------------------------------------------------------------------------------


def opening_create(
    *, by, title: str, post: str, communities, headcount: int, description: str = ""
) -> Opening:
    """Open an opening of `post` in the manager's department for some of their communities."""
    if not selectors.may_recruit(by):
        raise PermissionDenied
    title = _text(title, "title", TITLE_MAX, required=True)
    if post not in HIRING_POST_VALUES:
        raise invalid("post", _("请选择可招聘的岗位。"), "invalid_choice")
    if not isinstance(headcount, int) or not 1 <= headcount <= HEADCOUNT_MAX:
        raise invalid(
            "headcount", _("招聘人数应在 1 到 %(n)s 之间。") % {"n": HEADCOUNT_MAX}, "out_of_range"
        )
    description = _text(description, "description", NOTE_MAX)
    ids = sorted({int(c.pk if isinstance(c, Community) else c) for c in communities or ()})
    if not ids:
        raise invalid("communities", _("请至少选择一个小区。"), "required")
    found = list(Community.objects.filter(pk__in=ids, archived_at__isnull=True))
    if len(found) != len(ids) or not all(in_scope(by, c.pk) for c in found):
        raise invalid("communities", _("只能选择您负责的小区。"), "out_of_scope")
    with transaction.atomic():
        opening = Opening.objects.create(
            title=title,
            post=post,
            department_id=staff_of(by).department_id,
            headcount=headcount,
            description=description,
            opened_by=by,
        )
        opening.communities.set(found)
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=opening,
            details={"post": post, "headcount": headcount, "communities": ids},
        )
    return opening


def opening_set_status(*, by, opening: Opening, status: str) -> Opening:
    """Close an opening, or open a closed one again. It is filled by the hires themselves."""
    require_manage(by, opening)
    if status not in (OpeningStatus.OPEN, OpeningStatus.CLOSED):
        raise invalid("status", _("只能关闭或重新开放职位。"), "invalid_choice")
    with transaction.atomic():
        locked = Opening.objects.select_for_update().get(pk=opening.pk)
        if locked.status == status:
            raise invalid("status", _("职位已是这个状态。"), "unchanged")
        if status == OpeningStatus.OPEN and hired_count(locked) >= locked.headcount:
            raise invalid("status", _("职位已招满,不能重新开放。"), "filled")
        before = locked.status
        locked.status = status
        locked.closed_at = timezone.now() if status == OpeningStatus.CLOSED else None
        locked.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=locked, changes={"status": [before, status]}
        )
    return locked


def hired_count(opening: Opening) -> int:
    return opening.candidates.filter(stage=Stage.HIRED).count()


# --- candidates -----------------------------------------------------------------------------


def _check_cv(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable CV, or a ValidationError."""
    limit_mb = policy().attachment_max_mb
    if upload.size > limit_mb * 1024 * 1024:
        raise invalid("cv", _("文件太大:上限为 %(mb)s MB。") % {"mb": limit_mb}, "too_large")
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    upload.seek(0)
    detected = sniff(upload.read(16))
    upload.seek(0)
    if detected is None or suffix not in ALLOWED_NAMES:
        raise invalid(
            "cv",
            _("不支持的文件类型:只能上传 JPG、PNG、WebP、GIF 图片或 PDF 文件。"),
            "refused_type",
        )
    return detected


def _phone(value: str) -> str:
    phone = normalize_phone(value)
    if not phone:
        raise invalid("phone", _("请填写电话。"), "required")
    try:
        validate_phone(phone)
    except ValidationError as error:
        raise invalid("phone", error.messages[0], error.code) from None
    return phone


def _id_number(value: str) -> str:
    id_number = (value or "").strip().upper()
    if id_number:
        try:
            validate_id_number(id_number)
        except ValidationError as error:
            raise invalid("id_number", error.messages[0], error.code) from None
    return id_number


def candidate_create(
    *,
    by,
    opening: Opening,
    name: str,
    phone: str,
    source: str,
    id_number: str = "",
    cv=None,
    note: str = "",
) -> Candidate:
    """Record a candidate for an open opening; they start in screening (with the note)."""
    require_manage(by, opening)
    if opening.status != OpeningStatus.OPEN:
        raise invalid("opening", _("该职位已不在招聘中。"), "not_open")
    name = _text(name, "name", NAME_MAX, required=True)
    phone = _phone(phone)
    id_number = _id_number(id_number)
    if source not in Source.values:
        raise invalid("source", _("请选择来源。"), "invalid_choice")
    note = _text(note, "note", NOTE_MAX)
    candidate = Candidate(
        opening=opening,
        name=name,
        phone=phone,
        id_number=id_number,
        source=source,
        created_by=by,
    )
    if cv is not None:
        extension, candidate.cv_content_type = _check_cv(cv)
        candidate.cv_size = cv.size
        # Stored under a random name: nothing the uploader named reaches the storage.
        candidate.cv.save(f"{uuid.uuid4().hex}.{extension}", cv, save=False)
    try:
        with transaction.atomic():
            candidate.save()
            StageRecord.objects.create(candidate=candidate, stage=Stage.SCREENING, note=note, by=by)
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                obj=candidate,
                # The personal fields say only that they were given (audit.diff_fields).
                changes=diff_fields({}, model_to_dict(candidate, fields=["name", *PERSONAL])),
                details={"opening": opening.pk, "source": source, "cv": bool(cv)},
            )
    except Exception:
        if candidate.cv:
            candidate.cv.delete(save=False)
        raise
    return candidate


def reveal(*, by, candidate: Candidate, field: str) -> str:
    """One personal field in clear, logged in the access log (PIPL)."""
    if field not in PERSONAL:
        raise invalid("field", _("不支持的字段。"), "invalid_field")
    if not selectors.may_see_personal(by, candidate):
        raise PermissionDenied
    audit_record(actor=by, action=AuditAction.REVEAL, obj=candidate, changes={"field": field})
    return getattr(candidate, field)


def cv_open(*, by, candidate: Candidate) -> Candidate:
    """Open the CV: the recruiting manager with the right to see personal data; logged."""
    if not candidate.cv:
        raise invalid("cv", _("没有上传简历。"), "missing")
    if not selectors.may_see_personal(by, candidate):
        raise PermissionDenied
    audit_record(actor=by, action=AuditAction.REVEAL, obj=candidate, changes={"field": "cv"})
    return candidate


# --- stages ---------------------------------------------------------------------------------


def _interviewer(by, interviewer_id):
    if not interviewer_id:
        return None
    staff = Staff.objects.filter(
        pk=interviewer_id, archived_at__isnull=True, department_id=staff_of(by).department_id
    ).first()
    if staff is None:
        raise invalid("interviewer", _("面试官须为本部门在职员工。"), "not_found")
    return staff


def stage_record(
    *, by, candidate: Candidate, stage: str, note: str = "", interviewer_id=None, held_on=None
) -> StageRecord:
    """A note of the candidate's present stage (another interview round), or a move to the
    next one (screening -> interview; any open stage -> rejected or withdrawn, with the
    reason). An interview names its interviewer."""
    require_manage(by, candidate.opening)
    if stage not in Stage.values:
        raise invalid("stage", _("请选择阶段。"), "invalid_choice")
    note = _text(note, "note", NOTE_MAX)
    interviewer = _interviewer(by, interviewer_id)
    if stage == Stage.INTERVIEW and interviewer is None:
        raise invalid("interviewer", _("面试须记录面试官。"), "required")
    if stage in (Stage.REJECTED, Stage.WITHDRAWN) and not note:
        raise invalid("note", _("请写明原因。"), "required")
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if stage not in MOVES.get(locked.stage, ()):
            raise invalid(
                "stage",
                _("应聘人目前为“%(stage)s”,不能转到这个阶段。")
                % {"stage": locked.get_stage_display()},
                "invalid_move",
            )
        before = locked.stage
        record = StageRecord.objects.create(
            candidate=locked,
            stage=stage,
            note=note,
            interviewer=interviewer,
            held_on=held_on,
            by=by,
        )
        if stage != before:
            locked.stage = stage
            locked.save(update_fields=["stage", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"stage": [before, stage]} if stage != before else {},
            details={"record": record.pk, "interviewer": interviewer.pk if interviewer else None},
        )
    candidate.stage = stage
    return record


def offer_make(
    *, by, candidate: Candidate, offer_date, start_date, post: str = "", note: str = ""
) -> Candidate:
    """The offer after an interview: its date, the post, the start date."""
    require_manage(by, candidate.opening)
    post = post or candidate.opening.post
    if post not in HIRING_POST_VALUES:
        raise invalid("post", _("请选择可招聘的岗位。"), "invalid_choice")
    if offer_date is None:
        raise invalid("offer_date", _("请填写录用通知日期。"), "required")
    if start_date is None:
        raise invalid("start_date", _("请填写入职日期。"), "required")
    if start_date < offer_date:
        raise invalid("start_date", _("入职日期不能早于录用通知日期。"), "before_offer")
    note = _text(note, "note", NOTE_MAX)
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        if locked.stage != Stage.INTERVIEW:
            raise invalid("stage", _("面试之后才能发录用通知。"), "invalid_move")
        locked.stage = Stage.OFFER
        locked.offer_date, locked.start_date, locked.offer_post = offer_date, start_date, post
        locked.save(update_fields=["stage", "offer_date", "start_date", "offer_post", "updated_at"])
        StageRecord.objects.create(
            candidate=locked, stage=Stage.OFFER, note=note, held_on=offer_date, by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            changes={"stage": [Stage.INTERVIEW.value, Stage.OFFER.value]},
            details={"post": post, "offer_date": str(offer_date), "start_date": str(start_date)},
        )
    return locked
