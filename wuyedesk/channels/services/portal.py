"""A resident's tickets (INQ-1, CMP-1, SPE-2): submission with photos and replies; ticket
changes go through tickets.services."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuyedesk.channels.selectors import current_homes
from wuyedesk.channels.services.common import (
    MAX_PHOTOS,
    TEXT_MAX,
    TITLE_MAX,
    invalid,
    require_resident,
    too_long,
)

# The file-type check has no public home yet (the import-linter ignore in pyproject.toml).
from wuyedesk.lib.files import sniff
from wuyedesk.policies.services import policy
from wuyedesk.tickets import services as ticket_services
from wuyedesk.tickets.choices import Channel, Kind

log = logging.getLogger(__name__)


def portal_place(by, *, room_id=None, building_id=None) -> tuple:
    """(room, building): the room or public-area building a resident named for a submission,
    among their current homes (page and API alike); a field error on `room` otherwise."""
    homes = current_homes(by)
    rooms = {o.room.pk: o.room for o in homes}
    buildings = {o.room.unit.building_id: o.room.unit.building for o in homes}
    if room_id:
        if room_id not in rooms:
            raise invalid("room", _("只能为自己居住的房屋提交。"), "not_your_room")
        return rooms[room_id], None
    if building_id:
        if building_id not in buildings:
            raise invalid("room", _("只能为自己所住楼栋的公共区域提交。"), "not_your_room")
        return None, buildings[building_id]
    raise invalid("room", _("请选择房屋或公共区域。"), "required")


def _require_image(upload, field: str) -> None:
    """Photos only (the ticket page also takes PDFs): decided by the first bytes."""
    upload.seek(0)
    detected = sniff(upload.read(16))
    upload.seek(0)
    if detected is None or not detected[1].startswith("image/"):
        raise invalid(
            field,
            _("%(name)s:不是图片。只能上传 JPG、PNG、WebP 或 GIF 照片。") % {"name": upload.name},
            "refused_type",
        )


def portal_submit(
    *,
    by,
    kind: str,
    category,
    title: str,
    description: str,
    room=None,
    building=None,
    photos=(),
    channel: str = Channel.PORTAL,
):
    """A resident's inquiry, complaint, repair request or suggestion with up to nine photos.
    Everything or nothing: a refused photo leaves no ticket behind."""
    require_resident(by)
    if kind not in Kind.values:
        raise invalid("kind", _("请选择类型。"), "invalid_choice")
    if category is None:
        raise invalid("category", _("请选择分类。"), "required")
    title, description = (title or "").strip(), (description or "").strip()
    too_long("title", title, TITLE_MAX)
    if not description:
        raise invalid("description", _("请填写内容。"), "required")
    too_long("description", description, TEXT_MAX)
    photos = [p for p in photos if p is not None]
    if len(photos) > MAX_PHOTOS:
        raise invalid("photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}, "too_many")
    for photo in photos:
        _require_image(photo, "photos")
    stored = []
    try:
        with transaction.atomic():
            ticket = ticket_services.ticket_submit(
                by=by,
                kind=kind,
                category=category,
                title=title,
                description=description,
                room=room,
                building=building,
                channel=channel,
            )
            for photo in photos:
                try:
                    stored.append(
                        ticket_services.attachment_add(
                            by=by, ticket=ticket, upload=photo, public=True
                        )
                    )
                except ValidationError as error:
                    messages = error.message_dict.get("file", error.messages)
                    code = error.error_dict["file"][0].code if hasattr(error, "error_dict") else ""
                    raise invalid(
                        "photos", f"{photo.name}:{' '.join(messages)}", code or "invalid"
                    ) from None
    except Exception:
        for attachment in stored:  # the rows rolled back; their files must go too
            attachment.file.delete(save=False)
        raise
    return ticket


def portal_reply(*, by, ticket, text: str, photo=None, channel: str = Channel.PORTAL):
    """The customer's message on their ticket (reopens or is refused when it is closed)."""
    require_resident(by)
    text = (text or "").strip()
    too_long("text", text, TEXT_MAX)
    if photo is not None:
        _require_image(photo, "photo")
    with transaction.atomic():
        event = ticket_services.ticket_customer_reply(
            by=by, ticket=ticket, text=text, channel=channel
        )
        if photo is not None:
            try:
                ticket_services.attachment_add(by=by, ticket=ticket, upload=photo, public=True)
            except ValidationError as error:
                raise invalid("photo", " ".join(error.messages), "invalid") from None
    return event


def closed_reply_refused() -> bool:
    """Whether a reply to a closed ticket is refused (the policy), rather than reopening it."""
    return policy().closed_reply != "reopen"
