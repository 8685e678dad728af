"""Writes of the customer archive (AST-1): upload a document, open its file (logged in the
access log, as a reveal of personal data is), destroy it when its retention has passed, and
edit a document type. Each: permission, validation, the change and its audit row in one
transaction; a stored file that its row could not keep is removed again."""

import datetime as dt
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import in_scope
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.archive import selectors, signals
from wuyedesk.archive.choices import DestructionMethod
from wuyedesk.archive.models import Document, DocumentType
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.dates import month_end
from wuyedesk.lib.files import sniff
from wuyedesk.lib.messages import Msg
from wuyedesk.properties.selectors import active_residents, active_rooms

# The name must end like one of the accepted types too (as ticket attachments).
ALLOWED_NAMES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"}
TITLE_MAX, NOTE_MAX = 120, 500
TYPE_FIELDS = ("name", "name_en", "retention_months", "sensitive", "max_size_mb", "active")


def _invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def _clean_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base or "file")[:200]


def _check_file(upload, doc_type: DocumentType) -> tuple[str, str, str]:
    """(shown name, extension, content type) of an acceptable upload, or a ValidationError."""
    if upload is None:
        raise _invalid("file", _("请选择文件。"), "required")
    if upload.size > doc_type.max_size_mb * 1024 * 1024:
        raise _invalid(
            "file", _("文件太大:上限为 %(mb)s MB。") % {"mb": doc_type.max_size_mb}, "too_large"
        )
    name = _clean_name(upload.name)
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    upload.seek(0)
    detected = sniff(upload.read(16))
    upload.seek(0)
    if detected is None or suffix not in ALLOWED_NAMES:
        raise _invalid(
            "file",
            _("不支持的文件类型:只能上传 JPG、PNG、WebP、GIF 图片或 PDF 文件。"),
            "refused_type",
        )
    return name, *detected


def document_upload(
    *, by, doc_type_id, title: str, upload, room_id=None, resident_id=None, note: str = ""
) -> Document:
    """Keep a document with a room, a resident, or both (a resident of that room)."""
    if not selectors.may_keep(by):
        raise PermissionDenied
    doc_type = selectors.active_types().filter(pk=doc_type_id).first() if doc_type_id else None
    if doc_type is None:
        raise _invalid("doc_type", _("请选择档案类型。"), "required")
    title = (title or "").strip()
    if not title:
        raise _invalid("title", _("请填写标题。"), "required")
    if len(title) > TITLE_MAX:
        raise _invalid("title", _("标题不能超过 %(n)s 个字。") % {"n": TITLE_MAX}, "max_length")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _invalid("note", _("备注不能超过 %(n)s 个字。") % {"n": NOTE_MAX}, "max_length")
    room = active_rooms(by).filter(pk=room_id).first() if room_id else None
    resident = active_residents(by).filter(pk=resident_id).first() if resident_id else None
    if room_id and room is None:
        raise _invalid("room", _("找不到该房屋。"), "not_found")
    if resident_id and resident is None:
        raise _invalid("resident", _("找不到该住户。"), "not_found")
    if room is None and resident is None:
        raise _invalid("room", _("请选择房屋或住户。"), "required")
    if (
        room is not None
        and resident is not None
        and not resident.occupancies.filter(room=room).exists()
    ):
        raise _invalid("resident", _("该住户没有登记在这间房屋。"), "not_in_room")
    community_id = room.community_id if room is not None else resident.community_id
    if not in_scope(by, community_id):
        raise PermissionDenied
    name, extension, content_type = _check_file(upload, doc_type)
    document = Document(
        doc_type=doc_type,
        community_id=community_id,
        room=room,
        resident=resident,
        title=title,
        note=note,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=by,
    )
    # Stored under a random name: nothing the uploader named reaches the storage.
    document.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                obj=document,
                details={"type": doc_type.code, "room": room_id, "resident": resident_id},
            )
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def document_open(*, by, document: Document) -> Document:
    """Open the file: allowed by `selectors.may_open`, and written to the access log."""
    if not selectors.may_open(by, document):
        raise PermissionDenied
    audit_record(
        actor=by,
        action=AuditAction.REVEAL,
        obj=document,
        changes={"field": "file"},
        details={"type": document.doc_type.code},
    )
    return document


def document_destroy(*, by, document: Document, method: str, note: str = "") -> Document:
    """Destroy a document whose retention has passed: the file leaves the storage, the row
    stays with who destroyed it, when and how."""
    if not selectors.may_keep(by, document.community_id):
        raise PermissionDenied
    if method not in DestructionMethod.values:
        raise _invalid("method", _("请选择销毁方式。"), "required")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise _invalid("note", _("说明不能超过 %(n)s 个字。") % {"n": NOTE_MAX}, "max_length")
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.destroyed_at is not None:
            raise _invalid("method", _("该档案已销毁。"), "destroyed")
        if not selectors.is_due(locked):
            raise _invalid("method", _("该档案未到销毁期限。"), "not_due")
        stored = locked.file.name
        locked.destroyed_at = timezone.now()
        locked.destroyed_by = by
        locked.destruction_method = method
        locked.destruction_note = note
        locked.file = ""
        locked.save()
        audit_record(
            actor=by,
            action=AuditAction.ARCHIVE,
            obj=locked,
            changes={"destruction_method": ["", method]},
            details={"destroyed": True, "type": locked.doc_type.code},
        )
        if stored:
            storage = locked.file.storage
            transaction.on_commit(lambda: storage.delete(stored))
    return locked


def type_update(*, by, doc_type: DocumentType, form) -> DocumentType:
    """Edit a document type (its retention, size limit, sensitivity): the manager."""
    if not selectors.may_edit_types(by):
        raise PermissionDenied
    before = model_to_dict(doc_type, fields=TYPE_FIELDS)
    if not form.is_valid():
        raise FormInvalid(form)
    with transaction.atomic():
        saved = form.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=saved,
            changes=diff_fields(before, model_to_dict(saved, fields=TYPE_FIELDS)),
        )
    return saved


DUE_THIS_MONTH = gettext_noop("本月有 %(count)s 份档案到保管期限，请核对后销毁并登记。")


def destruction_list_notify(today: dt.date | None = None) -> int:
    """Tell each active assistant (AST-1) how many documents of their scope fall due for
    destruction by the end of `today`'s month, linking to that month's list; nothing for
    someone with none. Once per person and month (the notice's key). Returns how many were
    told."""
    today = today or timezone.localdate()
    month = today.strftime("%Y-%m")
    link = f"{reverse('archive_due')}?month={month}"
    told = 0
    assistants = User.objects.filter(
        is_active=True, staff__posts__post=Post.ASSISTANT, staff__archived_at__isnull=True
    ).distinct()
    for user in assistants:
        count = selectors.due_count(user, month_end(today))
        if not count:
            continue
        text = Msg(
            gettext_noop("本月有 %(count)s 份档案到保管期限，请核对后销毁并登记。"), count=count
        )
        key = f"archive-due:{month}:{user.pk}"
        transaction.on_commit(
            lambda user=user, text=text, key=key: signals.archive_notice.send(
                sender=Document, users=[user], kind="archive", text=text, link=link, key=key
            )
        )
        told += 1
    return told
