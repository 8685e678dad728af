"""Announcements to a community or one of its buildings, e-mailed once when published."""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
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
from wuyedesk.audit.services import audit_record
from wuyedesk.channels.models import Announcement
from wuyedesk.channels.selectors import ANNOUNCE_POSTS
from wuyedesk.channels.services.common import (
    invalid,
)
from wuyedesk.properties.models import Occupancy, Resident

log = logging.getLogger(__name__)


def require_announcer(by) -> None:
    """Who writes announcements: asked by announcement_create and by the page before its form."""
    if not has_post(by, *ANNOUNCE_POSTS):
        raise PermissionDenied


@transaction.atomic
def announcement_create(
    *, by, community, title: str, body: str, building=None, publish_at=None
) -> Announcement:
    """Staff of the community write a notice to it or to one of its buildings. Its e-mails
    go out when it is published (now, or by the minute task at `publish_at`)."""
    require_announcer(by)
    if community is None:
        raise invalid("community", _("请选择小区。"), "required")
    require_community(by, community.pk)
    if building is not None and building.community_id != community.pk:
        raise invalid("building", _("楼栋不在该小区。"))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise invalid("title", _("请填写标题。"), "required")
    if not body:
        raise invalid("body", _("请填写内容。"), "required")
    now = timezone.now()
    publish_at = publish_at or now
    if publish_at < now - dt.timedelta(days=1):
        raise invalid("publish_at", _("发布时间不能早于今天。"))
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
        pk=announcement_id, emailed_at__isnull=True, publish_at__lte=now
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
        emailed_at__isnull=True, publish_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:100]
    return sum(announcement_send(pk) for pk in list(due))
