"""Reads of surveys, scoped to what the user may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, has_post, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.properties.models import Department, Occupancy
from wuyedesk.properties.selectors import active_communities
from wuyedesk.surveys.choices import ANSWERABLE, CampaignStatus, InvitationStatus
from wuyedesk.surveys.models import (
    Answer,
    Campaign,
    Invitation,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
)

# Posts that run surveys (SUR-1, SPE-4, AST-4) and see campaigns.
# The homes keep the running surveys' figures (the specialist's calls to make per campaign,
# the assistant's campaign progress) under this version: every ORM write to an invitation or
# a campaign bumps it (surveys/receivers.py); the services' update()s and bulk inserts that
# change an invitation's status, its assignee or a campaign's status bump it themselves.
# Sending and reminding by mail change neither figure.
VERSION = "surveys"

SURVEY_POSTS = (Post.MANAGER, Post.ASSISTANT, Post.SPECIALIST, Post.ADMIN, Post.EXECUTIVE)
# Posts that edit questionnaires and create/close campaigns.
SURVEY_ADMIN_POSTS = (Post.MANAGER, Post.ASSISTANT, Post.ADMIN)

ANSWER_ROW_FIELDS = (
    "id",
    "response_id",
    "question_id",
    "question__code",
    "question__kind",
    "question__dimension_id",
    "question__is_overall",
    "value_int",
    "value_choices",
    "value_text",
    "response__room_id",
    "response__community_id",
    "response__building_id",
    "response__channel",
    "response__entered_by_id",
    "response__invitation__assigned_to_id",
    "response__respondent_id",
    "response__submitted_at",
)


def require_survey_staff(user) -> None:
    """Who sees surveys at all (pages and API alike): PermissionDenied for anyone else."""
    if not has_post(user, *SURVEY_POSTS):
        raise PermissionDenied


def campaign_answer_rows(campaign):
    """Every answer of a campaign, one row each, with household, place, channel, specialist."""
    return Answer.objects.filter(response__campaign=campaign).values(*ANSWER_ROW_FIELDS)


def questionnaires_visible_to(user):
    if not has_post(user, *SURVEY_POSTS):
        return Questionnaire.objects.none()
    return Questionnaire.objects.all()


def version_get_for_user(user, pk) -> QuestionnaireVersion:
    if not has_post(user, *SURVEY_POSTS):
        return get_object_or_404(QuestionnaireVersion.objects.none(), pk=pk)
    return get_object_or_404(QuestionnaireVersion.objects.select_related("questionnaire"), pk=pk)


def question_of(version: QuestionnaireVersion, pk) -> Question:
    """A question of this version, for its editor: 404 for any other (or a pk that is no
    number)."""
    if not str(pk or "").isdigit():
        raise Http404
    return get_object_or_404(version.questions, pk=int(pk))


def section_of(version: QuestionnaireVersion, pk) -> Section:
    """A section of this version, for its editor: 404 for any other."""
    if not str(pk or "").isdigit():
        raise Http404
    return get_object_or_404(version.sections, pk=int(pk))


def campaigns_visible_to(user):
    """Campaigns with at least one of the user's communities (all for company-wide posts)."""
    if not has_post(user, *SURVEY_POSTS):
        return Campaign.objects.none()
    ids = community_ids(user)
    qs = Campaign.objects.all()
    if ids is not None:
        qs = qs.filter(communities__in=ids).distinct()
    return qs


def campaign_get_for_user(user, pk) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user).select_related("version"), pk=pk)


def invitations_visible_to(user):
    """Invitations of the user's communities. A specialist who is not also manager/assistant
    sees the whole community's list (colleagues cover each other's calls)."""
    if not has_post(user, *SURVEY_POSTS):
        return Invitation.objects.none()
    ids = community_ids(user)
    qs = Invitation.objects.all()
    if ids is not None:
        qs = qs.filter(community_id__in=ids)
    return qs


def invitation_get_for_user(user, pk) -> Invitation:
    return get_object_or_404(
        invitations_visible_to(user).select_related(
            "campaign__version", "room__unit__building__community", "resident", "assigned_to"
        ),
        pk=pk,
    )


def call_list(user, campaign):
    """The open phone invitations assigned to the user in a campaign, call-backs first."""
    staff = staff_of(user)
    if staff is None:
        return Invitation.objects.none()
    return (
        invitations_visible_to(user)
        .filter(campaign=campaign, assigned_to=staff, channel="phone")
        .select_related("room__unit__building__community", "resident")
        .order_by("status", "call_back_at", "community_id", "building_id", "room_id")
    )


def open_calls_by_campaign(user) -> list[dict]:
    """The user's calls still to make (`call_list`'s open rows), per running campaign: rows
    of campaign_id, campaign__name and n, in one grouped query (the specialist's home)."""
    staff = staff_of(user)
    if staff is None:
        return []
    return list(
        invitations_visible_to(user)
        .filter(
            assigned_to=staff,
            channel="phone",
            status__in=ANSWERABLE,
            campaign__status=CampaignStatus.OPEN,
        )
        .order_by()
        .values("campaign_id", "campaign__name")
        .annotate(n=Count("id"))
        .order_by("campaign_id")
    )


def open_campaign_progress(user) -> list[dict]:
    """Each running campaign's invitations in the user's communities: campaign_id, name,
    total, completed and the response rate, in one grouped query (the assistant's home)."""
    rows = (
        invitations_visible_to(user)
        .filter(campaign__status=CampaignStatus.OPEN)
        .order_by()
        .values("campaign_id", "campaign__name")
        .annotate(
            total=Count("id"),
            completed=Count("id", filter=Q(status=InvitationStatus.COMPLETED)),
        )
        .order_by("campaign_id")
    )
    return [{**row, "rate": _rate(row["completed"], row["total"])} for row in rows]


def _rate(done: int, total: int) -> float:
    return round(100.0 * done / total, 1) if total else 0.0


def campaign_progress(campaign, user=None) -> dict:
    """Response rate by community, channel and specialist: three grouped queries (plus the
    names), whatever the number of invitations."""
    qs = Invitation.objects.filter(campaign=campaign)
    if user is not None:
        ids = community_ids(user)
        if ids is not None:
            qs = qs.filter(community_id__in=ids)
    done = Count("id", filter=Q(status=InvitationStatus.COMPLETED))
    closed = Count(
        "id",
        filter=Q(
            status__in=[
                InvitationStatus.REFUSED,
                InvitationStatus.UNREACHABLE,
                InvitationStatus.OPTED_OUT,
            ]
        ),
    )

    def rows(*group):
        out = []
        for row in (
            qs.values(*group).annotate(total=Count("id"), done=done, closed=closed).order_by(*group)
        ):
            row["rate"] = _rate(row["done"], row["total"])
            out.append(row)
        return out

    by_community = rows("community_id", "community__name")
    by_channel = rows("channel")
    by_specialist = rows("assigned_to_id", "assigned_to__name")
    total = sum(r["total"] for r in by_community)
    completed = sum(r["done"] for r in by_community)
    return {
        "total": total,
        "done": completed,
        "closed": sum(r["closed"] for r in by_community),
        "rate": _rate(completed, total),
        "by_community": by_community,
        "by_channel": by_channel,
        "by_specialist": [r for r in by_specialist if r["assigned_to_id"] is not None],
    }


def resident_may_answer(user, invitation: Invitation) -> bool:
    return (
        getattr(user, "is_resident", False)
        and Occupancy.objects.filter(
            resident_id=user.resident_id, room_id=invitation.room_id, move_out__isnull=True
        ).exists()
    )


def invitation_for_resident(user, pk) -> Invitation:
    """An invitation of a household the resident lives in now (page and API); anybody
    else's is a 404, as if it did not exist."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("campaign__version", "room__unit__building__community"),
        pk=pk,
    )
    if not resident_may_answer(user, invitation):
        raise Http404
    return invitation


def campaign_communities(user):
    """The communities a campaign may survey: the user's, not archived (the page's form, its
    calculator and the API alike)."""
    return active_communities(user)


def dimension_departments():
    """The departments a service dimension may be made answerable to: those not archived."""
    return Department.objects.filter(archived_at__isnull=True)


def pending_for_resident(user):
    """The open invitations of the resident's current households (portal)."""
    if not getattr(user, "is_authenticated", False) or not user.is_resident:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            room__occupancies__resident_id=user.resident_id,
            room__occupancies__move_out__isnull=True,
            status__in=ANSWERABLE,
            campaign__status=CampaignStatus.OPEN,
            campaign__closes_at__gt=timezone.now(),
        )
        .select_related("campaign", "room__unit__building__community")
        .distinct()
    )


def specialists_in_scope(user=None):
    """The staff a survey campaign may call with (and an invitation may be given to): active
    (not archived) customer-service specialists serving a community in `user`'s scope; every
    active specialist when `user` is None (a campaign the schedule creates)."""
    qs = Staff.objects.filter(archived_at__isnull=True, posts__post=Post.SPECIALIST)
    ids = None if user is None else community_ids(user)
    if ids is not None:
        qs = qs.filter(communities__in=ids)
    return qs.distinct().order_by("employee_no")
