"""The email channel: invitation mail and reminders, the anonymous link and its token,
opting out."""

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from wuyedesk.core import versions
from wuyedesk.lib.throttle import throttle
from wuyedesk.policies.services import policy
from wuyedesk.properties.services import company_get
from wuyedesk.surveys.choices import (
    ANSWERABLE,
    CampaignStatus,
    InvitationStatus,
    SurveyChannel,
)
from wuyedesk.surveys.models import (
    Invitation,
    OptOut,
)
from wuyedesk.surveys.selectors import VERSION
from wuyedesk.surveys.services.common import SurveyRefused, checked_text

log = logging.getLogger(__name__)


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "surveys:answer_token", args=[invitation.make_token()]
    )


def unsubscribe_link(invitation: Invitation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "surveys:unsubscribe", args=[invitation.make_token()]
    )


def _send_invitation_mail(invitation: Invitation, *, reminder: bool) -> None:
    context = {
        "invitation": invitation,
        "campaign": invitation.campaign,
        "link": invitation_link(invitation),
        "unsubscribe": unsubscribe_link(invitation),
        "reminder": reminder,
    }
    subject = render_to_string("surveys/invitation_subject.txt", context).strip()
    body = render_to_string("surveys/invitation_email.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.resident.email],
        headers={"List-Unsubscribe": f"<{context['unsubscribe']}>"},
    )
    message.send(fail_silently=False)


def send_invitations(campaign_id: int, *, now=None) -> int:
    """Mail every pending email invitation of an open campaign once (claimed one by one)."""
    now = now or timezone.now()
    sent = 0
    pending = Invitation.objects.filter(
        campaign_id=campaign_id,
        campaign__status=CampaignStatus.OPEN,
        channel=SurveyChannel.EMAIL,
        status=InvitationStatus.PENDING,
    ).values_list("pk", flat=True)
    for pk in list(pending):
        claimed = Invitation.objects.filter(pk=pk, status=InvitationStatus.PENDING).update(
            status=InvitationStatus.SENT, sent_at=now
        )
        if not claimed:
            continue
        invitation = Invitation.objects.select_related("campaign", "resident").get(pk=pk)
        try:
            _send_invitation_mail(invitation, reminder=False)
        except (OSError, smtplib.SMTPException):
            # The mail server is away: give the claim back so the hourly job sends it later.
            Invitation.objects.filter(pk=pk, status=InvitationStatus.SENT).update(
                status=InvitationStatus.PENDING, sent_at=None
            )
            log.warning("survey invitation %s not sent; will retry", pk)
            break
        sent += 1
    return sent


# Queued by campaign_open after its commit. Defined beside the service it runs, so that the
# services never import tasks.py (which imports them).
@db_task()
def send_invitations_task(campaign_id: int):
    return send_invitations(campaign_id)


def send_pending_invitations(*, now=None) -> int:
    """The hourly retry: email invitations of open campaigns still waiting to go out."""
    campaign_ids = (
        Invitation.objects.filter(
            channel=SurveyChannel.EMAIL,
            status=InvitationStatus.PENDING,
            campaign__status=CampaignStatus.OPEN,
        )
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    return sum(send_invitations(cid, now=now) for cid in list(campaign_ids))


def send_reminders(*, now=None) -> int:
    """Once per invitation, survey_reminder_days after it was sent, if still unanswered."""
    now = now or timezone.now()
    due = now - dt.timedelta(days=policy().survey_reminder_days)
    candidates = Invitation.objects.filter(
        channel=SurveyChannel.EMAIL,
        status=InvitationStatus.SENT,
        reminded_at__isnull=True,
        sent_at__lte=due,
        campaign__status=CampaignStatus.OPEN,
        campaign__closes_at__gt=now,
    ).values_list("pk", flat=True)[:2000]
    count = 0
    for pk in list(candidates):
        claimed = Invitation.objects.filter(
            pk=pk, status=InvitationStatus.SENT, reminded_at__isnull=True
        ).update(status=InvitationStatus.REMINDED, reminded_at=now)
        if not claimed:
            continue
        invitation = Invitation.objects.select_related("campaign", "resident").get(pk=pk)
        try:
            _send_invitation_mail(invitation, reminder=True)
        except (OSError, smtplib.SMTPException):
            Invitation.objects.filter(pk=pk, status=InvitationStatus.REMINDED).update(
                status=InvitationStatus.SENT, reminded_at=None
            )
            log.warning("survey reminder %s not sent; will retry", pk)
            break
        count += 1
    return count


def survey_link_check(request) -> None:
    """Count one request to the anonymous survey link (page or API) of this client address,
    before any token is looked up; `Throttled` over the company's `rate_survey_link`
    (#11 point 2: nobody tries tokens, or floods answers, from one address)."""
    throttle(request, group="survey-link", rate=company_get().rate_survey_link)


def invitation_by_token(raw: str) -> Invitation:
    """The invitation of a link token, or SurveyRefused (unknown, used, expired)."""
    raw = (raw or "").strip()
    invitation = None
    if 20 <= len(raw) <= 80:
        invitation = (
            Invitation.objects.filter(token_hash=Invitation.hash_token(raw))
            .select_related("campaign__version", "room__unit__building__community", "resident")
            .first()
        )
    if invitation is None:
        raise SurveyRefused("token_invalid", _("链接无效,请检查邮件中的链接。"), status=404)
    check_answerable(invitation)
    return invitation


def check_answerable(invitation: Invitation, *, now=None) -> None:
    now = now or timezone.now()
    campaign = invitation.campaign
    if invitation.status == InvitationStatus.COMPLETED:
        raise SurveyRefused(
            "already_completed", _("这份问卷已经提交过了,感谢您的参与。每户只能提交一次。")
        )
    if invitation.status == InvitationStatus.OPTED_OUT:
        raise SurveyRefused("opted_out", _("该住户已退订满意度调查。"))
    if invitation.status not in ANSWERABLE:
        raise SurveyRefused("closed", _("这份问卷已结束,不能再作答。"))
    if campaign.status != CampaignStatus.OPEN or (
        campaign.closes_at is not None and campaign.closes_at <= now
    ):
        raise SurveyRefused("expired", _("本次调查已经结束,链接已失效。"), status=410)


def opt_out(*, invitation: Invitation, reason: str = "", by=None) -> OptOut:
    """The household asks not to be surveyed again; its open invitations end."""
    reason = checked_text("reason", reason, OptOut._meta.get_field("reason").max_length)
    with transaction.atomic():
        record, _created = OptOut.objects.get_or_create(
            room_id=invitation.room_id,
            defaults={
                "resident_id": invitation.resident_id,
                "reason": reason,
                "by": by if getattr(by, "is_authenticated", False) else None,
            },
        )
        Invitation.objects.filter(room_id=invitation.room_id, status__in=ANSWERABLE).update(
            status=InvitationStatus.OPTED_OUT
        )
        versions.bump(VERSION)  # the homes' survey figures (an update sends no signal)
    return record
