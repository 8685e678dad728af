"""/api/v1/archive: the customer archive (AST-1).

Documents of the caller's communities (404 outside them); 403 for a post that may not read,
upload, open or destroy (see archive/selectors.py); 422 naming the field for bad input (a
file of the wrong type or over the type's size limit, a room or resident not found). Opening
a file is written to the access log.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from wuyedesk.api.schemas import ErrorOut, Id
from wuyedesk.archive import selectors, services
from wuyedesk.archive.choices import DestructionMethod
from wuyedesk.archive.models import DocumentType
from wuyedesk.core.downloads import uploaded_file
from wuyedesk.lib.dates import month_end
from wuyedesk.lib.paging import page_of
from wuyedesk.lib.privacy import mask_phone

router = Router(tags=["archive"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGE = 50


class TypeOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    retention_months: int
    sensitive: bool
    max_size_mb: int
    active: bool


class DocumentOut(Schema):
    id: int
    type: str
    sensitive: bool
    title: str
    note: str
    community_id: int
    room_id: int | None
    room: str | None
    resident_id: int | None
    resident: str | None
    resident_phone: str | None  # masked
    name: str | None  # None for a sensitive type: the file's name can hold personal data
    size: int
    uploaded_at: dt.datetime
    destroyed_at: dt.datetime | None
    destruction_method: str
    destruction_note: str


def _out(d) -> dict:
    return {
        "id": d.pk,
        "type": d.doc_type.code,
        "sensitive": d.doc_type.sensitive,
        "title": d.title,
        "note": d.note,
        "community_id": d.community_id,
        "room_id": d.room_id,
        "room": d.room.address if d.room_id else None,
        "resident_id": d.resident_id,
        "resident": d.resident.name if d.resident_id else None,
        "resident_phone": mask_phone(d.resident.phone) if d.resident_id else None,
        "name": None if d.doc_type.sensitive else d.name,
        "size": d.size,
        "uploaded_at": d.uploaded_at,
        "destroyed_at": d.destroyed_at,
        "destruction_method": d.destruction_method,
        "destruction_note": d.destruction_note,
    }


class DocumentPage(Schema):
    page: int
    has_next: bool
    items: list[DocumentOut]


class ArchiveListIn(Schema):
    type: str = ""
    room: Id | None = None
    resident: Id | None = None
    state: str = Field("", pattern="^(|kept|destroyed)$")
    page: int = Field(1, ge=1, le=2000)


class UploadIn(Schema):
    type: Id
    title: str = Field(..., max_length=services.TITLE_MAX)
    room: Id | None = None
    resident: Id | None = None
    note: str = Field("", max_length=services.NOTE_MAX)


class DestroyIn(Schema):
    method: DestructionMethod
    note: str = Field("", max_length=services.NOTE_MAX)


class DueOut(Schema):
    document: DocumentOut
    ended_on: dt.date
    due_on: dt.date


class DueIn(Schema):
    month: str = Field("", pattern=r"^(|\d{4}-(0[1-9]|1[0-2]))$")


def _reader(request):
    if not selectors.may_read(request.auth):
        raise PermissionDenied


@router.get("/types", response={200: list[TypeOut], **ERRORS}, operation_id="archive_types")
def types(request):
    """The document types with their retention after move-out."""
    _reader(request)
    return list(DocumentType.objects.all())


@router.get("/documents", response={200: DocumentPage, **ERRORS}, operation_id="archive_list")
def document_list(request, q: Query[ArchiveListIn]):
    """Documents of the caller's communities, newest first, 50 a page."""
    _reader(request)
    qs = selectors.documents_visible_to(request.auth)
    qs = selectors.filter_documents(qs, state=q.state)
    if q.type:
        qs = qs.filter(doc_type__code=q.type)
    if q.room:
        qs = qs.filter(room_id=q.room)
    if q.resident:
        qs = qs.filter(resident_id=q.resident)
    page = page_of(qs.order_by("-id"), q.page, PAGE)
    return {
        "page": page.number,
        "has_next": page.has_next,
        "items": [_out(d) for d in page.object_list],
    }


@router.post("/documents", response={201: DocumentOut, **ERRORS}, operation_id="archive_upload")
def document_upload(request, payload: Form[UploadIn], file: File[UploadedFile] = None):
    """Upload a document (multipart/form-data: `type`, `title`, `room` and/or `resident`,
    `note`, `file`) — the assistant or the manager."""
    if not selectors.may_keep(request.auth):
        raise PermissionDenied
    document = services.document_upload(
        by=request.auth,
        doc_type_id=payload.type,
        title=payload.title,
        upload=file,
        room_id=payload.room,
        resident_id=payload.resident,
        note=payload.note,
    )
    return Status(201, _out(document))


@router.get("/due", response={200: list[DueOut], **ERRORS}, operation_id="archive_due")
def due(request, q: Query[DueIn]):
    """Documents due for destruction by the end of `month` (YYYY-MM, default this month)."""
    if not selectors.may_keep(request.auth):
        raise PermissionDenied
    until = None
    if q.month:
        until = month_end(dt.datetime.strptime(q.month, "%Y-%m").date())
    return [
        {"document": _out(row.document), "ended_on": row.ended_on, "due_on": row.due_on}
        for row in selectors.due_for_destruction(request.auth, until)
    ]


def _document(request, pk):
    _reader(request)
    return get_object_or_404(selectors.documents_visible_to(request.auth), pk=pk)


@router.get("/documents/{pk}", response={200: DocumentOut, **ERRORS}, operation_id="archive_get")
def document_get(request, pk: Id):
    return _out(_document(request, pk))


@router.get("/documents/{pk}/file", response={200: None, **ERRORS}, operation_id="archive_file")
def document_file(request, pk: Id):
    """The file; each opening is written to the access log. Sensitive types (an ID copy)
    only for a keeper with the right to see personal data in full."""
    document = services.document_open(by=request.auth, document=_document(request, pk))
    return uploaded_file(document)


@router.post(
    "/documents/{pk}/destroy",
    response={200: DocumentOut, **ERRORS},
    operation_id="archive_destroy",
)
def document_destroy(request, pk: Id, payload: DestroyIn):
    """Record the destruction of a document whose retention has passed; its file is deleted
    from storage, the record stays."""
    document = services.document_destroy(
        by=request.auth, document=_document(request, pk), method=payload.method, note=payload.note
    )
    return _out(document)
