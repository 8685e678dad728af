"""Photos and files on a ticket (issue #3 §6): size limit from the policy, type by content.

The type is decided by the file's first bytes (its "magic number"), not by the name or the
Content-Type the browser sent, both of which the uploader controls. Only types browsers
show safely are accepted: JPEG, PNG, WebP, GIF and PDF. The stored file gets a random name
with the extension of the detected type, so nothing the uploader named reaches the disk.
"""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuyedesk.accounts.services import SYSTEM_USERNAME
from wuyedesk.lib.files import sniff
from wuyedesk.lib.statements import Statement
from wuyedesk.policies.services import policy
from wuyedesk.tickets import selectors
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import Attachment, TicketEvent

# The name must end like one of the accepted types too: a file called report.html that starts
# like a JPEG is refused rather than stored under a name that invites the wrong program.
ALLOWED_NAMES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".pdf"}


def _clean_name(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base or "file")[:200]


@transaction.atomic
def attachment_add(*, by, ticket, upload, public: bool = False) -> Attachment:
    """Store an uploaded file on the ticket, with a timeline row. Refused: nothing stored.
    A resident may add files to a ticket of their own; those are always customer-visible."""
    own = getattr(by, "is_resident", False) and ticket.resident_id == by.resident_id
    # The software itself (the system user) attaches what an inbound mail carried.
    system = getattr(by, "username", None) == SYSTEM_USERNAME
    if not (own or system) and not selectors.tickets_visible_to(by).filter(pk=ticket.pk).exists():
        raise PermissionDenied
    public = public or own
    if upload is None:
        raise ValidationError({"file": ValidationError(_("请选择文件。"), code="required")})
    limit_mb = policy().attachment_max_mb
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("文件太大:上限为 %(mb)s MB。") % {"mb": limit_mb}, code="too_large"
                )
            }
        )
    name = _clean_name(upload.name)
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    upload.seek(0)
    detected = sniff(upload.read(16))
    upload.seek(0)
    if detected is None or suffix not in ALLOWED_NAMES:
        raise ValidationError(
            {
                "file": ValidationError(
                    _("不支持的文件类型:只能上传 JPG、PNG、WebP、GIF 图片或 PDF 文件。"),
                    code="refused_type",
                )
            }
        )
    extension, content_type = detected
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=EventKind.MESSAGE if public else EventKind.COMMENT,
        actor=by,
        public=public,
        body=_("上传附件:%(name)s") % {"name": name},
    )
    attachment = Attachment(
        ticket=ticket,
        event=event,
        name=name,
        size=upload.size,
        content_type=content_type,
        uploaded_by=by,
        public=public,
    )
    # The content is stored under a random name; the original name is only shown.
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    event.data = {"attachment": attachment.pk}
    event.save(update_fields=["data"])
    return attachment


def attachments_of(ticket):
    return Attachment.objects.filter(ticket=ticket).select_related("uploaded_by__staff")


# attachments_of's rows as one hand-written statement (lib/statements.py), for the ticket
# page: the ORM's compile of the query was 0.2 ms of the page's CPU (bench/README.md,
# session 17). Held equal to attachments_of by tickets/tests/test_statements.py.
TICKET_FILES = Statement(
    Attachment, "uploaded_by__staff", where='t0."ticket_id" = %s', order='t0."id"'
)


def files_of(ticket) -> list:
    """attachments_of(ticket), read."""
    return TICKET_FILES.all([ticket.pk])
