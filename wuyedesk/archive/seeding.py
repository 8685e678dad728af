"""Demo archive (`wuyedesk seed`): in the first community, a move-in form and an ID copy of
a current owner, and the lease of a tenant who moved out long enough ago that it is on this
month's list of documents due for destruction. Deterministic and bounded (three files)."""

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.archive.models import Document, DocumentType
from wuyedesk.lib.dates import add_months
from wuyedesk.properties.choices import OccupancyRole
from wuyedesk.properties.models import Occupancy, Resident

# The smallest file a browser opens as a PDF: the demo's stand-in for a scanned page.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _keep(doc_type, title, by, *, room=None, resident=None) -> Document:
    document = Document(
        doc_type=doc_type,
        community_id=(room or resident).community_id,
        room=room,
        resident=resident,
        title=title,
        name=f"{doc_type.code.lower()}.pdf",
        size=len(PDF),
        content_type="application/pdf",
        uploaded_by=by,
    )
    document.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Document.objects.exists():
        return {}  # seeded already
    by = (
        User.objects.filter(staff__posts__post=Post.ASSISTANT, is_active=True)
        .order_by("staff__employee_no")
        .first()
    )
    owner = (
        Occupancy.objects.filter(move_out__isnull=True, role=OccupancyRole.OWNER)
        .select_related("room", "resident")
        .order_by("community__code", "id")
        .first()
    )
    if by is None or owner is None:
        return {"archive documents": 0}
    types = {t.code: t for t in DocumentType.objects.all()}
    _keep(types["MOVE_IN"], "入住登记表", by, room=owner.room, resident=owner.resident)
    _keep(types["ID_COPY"], "业主身份证复印件", by, room=owner.room, resident=owner.resident)
    # A tenant who left: the lease's retention has passed, so it is due this month.
    lease = types["LEASE"]
    moved_out = add_months(timezone.localdate(), -lease.retention_months) - dt.timedelta(days=1)
    tenant = Resident.objects.create(
        name="吴租户", phone="13700005678", community=owner.room.community
    )
    Occupancy.objects.create(
        resident=tenant,
        room=owner.room,
        role=OccupancyRole.TENANT,
        move_in=moved_out - dt.timedelta(days=365),
        move_out=moved_out,
    )
    _keep(lease, "房屋租赁合同", by, room=owner.room, resident=tenant)
    return {"archive documents": 3}
