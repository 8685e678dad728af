"""Reads of the customer archive (AST-1), scoped to the user, and who may do what.

- the assistant and the manager keep the archive of their communities: upload, open,
  destroy, and the list of what is due for destruction;
- specialists see the documents' metadata in their communities (to answer a resident) and
  open ordinary documents, never an ID copy or another type marked sensitive;
- opening a sensitive document needs a keeper's post *and* the company's right to see
  personal data in full (`Company.reveal_posts`);
- nobody else (department staff, supervisors, executives, the administrator, residents).

A document is due for destruction once its type's retention has passed since the occupancy
it belongs to ended: the resident's occupancy of the room (or of any room, for a document of
the resident alone; of anybody, for a document of the room alone) — and only when no such
occupancy is still current.
"""

import dataclasses
import datetime as dt

from django.db.models import Q
from django.utils import timezone

from wuyedesk.accounts.access import has_post, in_scope, is_staff_member, scope_to_communities
from wuyedesk.accounts.choices import Post
from wuyedesk.archive.models import Document, DocumentType
from wuyedesk.lib.dates import add_months, month_end
from wuyedesk.properties.models import Occupancy
from wuyedesk.properties.services import may_reveal

# The version every write to a document or a document type bumps (receivers.py), under
# which the assistant's home keeps its count of documents due for destruction, with the
# records' version (properties.selectors.RECORDS_VERSION: the occupancies that end them).
VERSION = "archive"
KEEPERS = (Post.ASSISTANT, Post.MANAGER)
READERS = (*KEEPERS, Post.SPECIALIST)


def may_read(user) -> bool:
    return is_staff_member(user) and has_post(user, *READERS)


def may_keep(user, community_id: int | None = None) -> bool:
    if not (is_staff_member(user) and has_post(user, *KEEPERS)):
        return False
    return community_id is None or in_scope(user, community_id)


def may_open(user, document: Document) -> bool:
    """May the user open the document's file (each opening is logged)?"""
    if document.destroyed_at is not None or not document.file:
        return False
    if not (may_read(user) and in_scope(user, document.community_id)):
        return False
    if document.doc_type.sensitive:
        return may_keep(user) and may_reveal(user)
    return True


def active_types():
    return DocumentType.objects.filter(active=True)


def documents_visible_to(user):
    qs = Document.objects.select_related(
        "doc_type",
        "room__unit__building__community",
        "resident",
        "uploaded_by__staff",
        "destroyed_by__staff",
    )
    if not may_read(user):
        return qs.none()
    return scope_to_communities(qs, user)


def documents_of(user, *, room=None, resident=None):
    qs = documents_visible_to(user)
    if room is not None:
        qs = qs.filter(room=room)
    if resident is not None:
        qs = qs.filter(resident=resident)
    return qs


def filter_documents(qs, *, doc_type=None, community=None, state: str = ""):
    if doc_type is not None:
        qs = qs.filter(doc_type=doc_type)
    if community is not None:
        qs = qs.filter(community=community)
    if state == "kept":
        qs = qs.filter(destroyed_at__isnull=True)
    elif state == "destroyed":
        qs = qs.filter(destroyed_at__isnull=False)
    return qs


@dataclasses.dataclass
class Due:
    document: Document
    ended_on: dt.date
    due_on: dt.date


def _endings(documents) -> dict[int, dt.date | None]:
    """{document id: the day its occupancy ended}, None while it has not (or never began)."""
    residents = {d.resident_id for d in documents if d.resident_id}
    rooms = {d.room_id for d in documents if d.room_id}
    pairs: dict[tuple, list] = {}
    by_resident: dict[int, list] = {}
    by_room: dict[int, list] = {}
    rows = Occupancy.objects.filter(Q(resident_id__in=residents) | Q(room_id__in=rooms))
    for resident_id, room_id, move_out in rows.values_list("resident_id", "room_id", "move_out"):
        pairs.setdefault((resident_id, room_id), []).append(move_out)
        by_resident.setdefault(resident_id, []).append(move_out)
        by_room.setdefault(room_id, []).append(move_out)
    out = {}
    for d in documents:
        if d.resident_id and d.room_id:
            ends = pairs.get((d.resident_id, d.room_id), [])
        elif d.resident_id:
            ends = by_resident.get(d.resident_id, [])
        else:
            ends = by_room.get(d.room_id, [])
        out[d.pk] = max(ends) if ends and None not in ends else None
    return out


def due_for_destruction(user, until: dt.date | None = None) -> list[Due]:
    """Kept documents whose retention has passed by `until` (default: the end of this month,
    the assistant's monthly list), soonest due first, each with what its row shows. Two
    queries, whatever the rows."""
    return _due(user, until, documents_visible_to(user))


def due_count(user, until: dt.date | None = None) -> int:
    """How many documents `due_for_destruction` lists (the assistant's home, the monthly
    reminder), reading each with its type only: the list's eleven joins were a fifth of the
    assistant's home on PostgreSQL (bench/README.md, issue #12)."""
    return len(
        _due(
            user, until, documents_visible_to(user).select_related(None).select_related("doc_type")
        )
    )


def _due(user, until, documents) -> list[Due]:
    if not may_keep(user):
        return []
    until = until or month_end(timezone.localdate())
    kept = list(documents.filter(destroyed_at__isnull=True))
    endings = _endings(kept)
    found = []
    for document in kept:
        ended = endings[document.pk]
        if ended is None:
            continue
        due_on = add_months(ended, document.doc_type.retention_months)
        if due_on <= until:
            found.append(Due(document, ended, due_on))
    return sorted(found, key=lambda due: (due.due_on, due.document.pk))


def is_due(document: Document, today: dt.date | None = None) -> bool:
    ended = _endings([document])[document.pk]
    if ended is None:
        return False
    return add_months(ended, document.doc_type.retention_months) <= (today or timezone.localdate())


def may_edit_types(user) -> bool:
    """The document types' retention is the manager's to set."""
    return is_staff_member(user) and has_post(user, Post.MANAGER)
