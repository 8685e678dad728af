"""Announcements to a community or one of its buildings, e-mailed once when published."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from wuyedesk.accounts.access import has_post, require_community
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.channels.models import Announcement
from wuyedesk.channels.selectors import ANNOUNCE_POSTS
from wuyedesk.channels.services.common import (
    REASON_MAX,
    invalid,
    too_long,
)
from wuyedesk.properties.models import Occupancy, Resident

log = logging.getLogger(__name__)


def require_announcer(by) -> None:
    """Who writes announcements: asked by announcement_create and by the page before its form."""
    if not has_post(by, *ANNOUNCE_POSTS):
        raise PermissionDenied


def _checked(*, community, building, title: str, body: str, publish_at, now):
    """The announcement's fields cleaned, or a ValidationError naming the field."""
    if community is None:
        raise invalid("community", _("请选择小区。"), "required")
    if building is not None and building.community_id != community.pk:
        raise invalid("building", _("楼栋不在该小区。"))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise invalid("title", _("请填写标题。"), "required")
    if not body:
        raise invalid("body", _("请填写内容。"), "required")
    publish_at = publish_at or now
    if publish_at < now - dt.timedelta(days=1):
        raise invalid("publish_at", _("发布时间不能早于今天。"))
    return title, body, publish_at


@transaction.atomic
def announcement_create(
    *, by, community, title: str, body: str, building=None, publish_at=None
) -> Announcement:
    """Staff of the community write a notice to it or to one of its buildings. Its e-mails
    go out when it is published (now, or by the minute task at `publish_at`)."""
    require_announcer(by)
    if community is not None:
        require_community(by, community.pk)
    now = timezone.now()
    title, body, publish_at = _checked(
        community=community,
        building=building,
        title=title,
        body=body,
        publish_at=publish_at,
        now=now,
    )
    announcement = Announcement(
        community=community,
        building=building,
        title=title,
        body=body,
        publish_at=publish_at,
        created_by=by,
    )
    announcement.full_clean()
    announcement.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=announcement, label=title)
    if publish_at <= now:
        transaction.on_commit(lambda: announcement_send_task(announcement.pk))
    return announcement


def _may_change(by, announcement) -> None:
    """An announcer of its community may correct or withdraw it, while it is not withdrawn."""
    require_announcer(by)
    require_community(by, announcement.community_id)
    if announcement.withdrawn_at is not None:
        raise ValidationError(_("该公告已撤回,不能再修改。"), code="withdrawn")


@transaction.atomic
def announcement_update(
    *, by, announcement, community, title: str, body: str, building=None, publish_at=None
) -> Announcement:
    """Correct an announcement: its text and scope, and its publish time while it is not yet
    published. Residents see the correction on the portal at once; an e-mail already sent
    is not sent again (one not yet sent goes out with the corrected text)."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    _may_change(by, announcement)
    if community is not None:
        require_community(by, community.pk)
    now = timezone.now()
    published = announcement.publish_at <= now
    if published:
        publish_at = announcement.publish_at  # what residents already saw stays dated
    title, body, publish_at = _checked(
        community=community,
        building=building,
        title=title,
        body=body,
        publish_at=publish_at,
        now=now,
    )
    if (
        published
        and announcement.emailed_at is not None
        and (
            community.pk != announcement.community_id
            or (building and building.pk) != announcement.building_id
        )
    ):
        raise invalid(
            "community", _("公告邮件已发出,不能再改变发送范围;请撤回后重新发布。"), "sent"
        )
    fields = ["community", "building", "title", "body", "publish_at"]
    before = {f: str(getattr(announcement, f) or "") for f in fields}
    announcement.community, announcement.building = community, building
    announcement.title, announcement.body = title, body
    announcement.publish_at = publish_at
    after = {f: str(getattr(announcement, f) or "") for f in fields}
    changes = diff_fields(before, after)
    if not changes:
        return announcement
    announcement.updated_at = now
    announcement.full_clean()
    announcement.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=announcement, changes=changes)
    if publish_at <= now and announcement.emailed_at is None:
        transaction.on_commit(lambda: announcement_send_task(announcement.pk))
    return announcement


@transaction.atomic
def announcement_withdraw(*, by, announcement, reason: str) -> Announcement:
    """Withdraw an announcement: it leaves the portal at once, and its e-mail is not sent if
    it has not gone out yet. The reason is kept for the record."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    _may_change(by, announcement)
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写撤回原因。"), "required")
    too_long("reason", reason, REASON_MAX)
    announcement.withdrawn_at = timezone.now()
    announcement.withdrawn_by = by
    announcement.withdraw_reason = reason
    announcement.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=announcement,
        changes={"withdrawn": ["", reason]},
    )
    return announcement


def announcement_recipients(announcement) -> list[tuple[str, str]]:
    """(address, language) of each current resident of its scope with an e-mail, once each."""
    occupants = Occupancy.objects.filter(
        move_out__isnull=True,
        resident__archived_at__isnull=True,
        community_id=announcement.community_id,
    )
    if announcement.building_id:
        occupants = occupants.filter(room__building_id=announcement.building_id)
    rows = (
        Resident.objects.filter(pk__in=occupants.values("resident_id"))
        .filter(~Q(email=""))
        .values_list("email", "account__language")
        .order_by("id")
    )
    seen, out = set(), []
    for address, language in rows:
        key = address.lower()
        if key not in seen:
            seen.add(key)
            out.append((address, language or settings.LANGUAGE_CODE))
    return out


def announcement_send(announcement_id: int) -> int:
    """E-mail a published announcement once: claimed by a conditional update, so two workers
    (or the task and the minute sweep) never both send it."""
    now = timezone.now()
    claimed = Announcement.objects.filter(
        pk=announcement_id, emailed_at__isnull=True, withdrawn_at__isnull=True, publish_at__lte=now
    ).update(emailed_at=now)
    if not claimed:
        return 0
    announcement = Announcement.objects.select_related("community", "building").get(
        pk=announcement_id
    )
    sent = 0
    for address, language in announcement_recipients(announcement):
        with translation.override(language):
            subject = _("【公告】%(title)s") % {"title": announcement.title}
            body = render_to_string(
                "channels/announcement_email.txt",
                {
                    "announcement": announcement,
                    "url": settings.SITE_URL.rstrip("/") + reverse("portal:home"),
                },
            )
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            sent += 1
        except OSError:
            log.warning("announcement %s: mail not sent", announcement_id, exc_info=True)
    Announcement.objects.filter(pk=announcement_id).update(emailed_count=sent)
    return sent


# Queued when an announcement is published; defined beside its service so that the services
# never import tasks.py (which imports them).
@db_task()
def announcement_send_task(announcement_id: int) -> int:
    return announcement_send(announcement_id)


def announcements_send_due() -> int:
    """The minute task: announcements whose publish time has come and that were not sent."""
    due = Announcement.objects.filter(
        emailed_at__isnull=True, withdrawn_at__isnull=True, publish_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:100]
    return sum(announcement_send(pk) for pk in list(due))
