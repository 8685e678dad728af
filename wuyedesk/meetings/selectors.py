"""Reads of meetings and notices, scoped to the person asking.

Who sees what:
- the manager and the assistant of a department organise its meetings (of the communities in
  their scope, or of the whole department) and see everything of them, drafts included;
- an attendee sees the meetings they attend, and their minutes once approved;
- executives read approved minutes; nobody else, and residents never.
- a notice: its recipients, and the manager and assistant who may send it (with its receipts).
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from wuyedesk.accounts.access import (
    community_ids,
    has_post,
    is_staff_member,
    staff_of,
)
from wuyedesk.accounts.choices import Post
from wuyedesk.meetings.choices import EDITABLE_MINUTES, MinutesStatus
from wuyedesk.meetings.models import (
    ActionItem,
    Attendee,
    Decision,
    Meeting,
    MeetingSeries,
    Notice,
    NoticeRecipient,
)

# What the homes keep from meetings and notices (web/home.py) is kept under this version,
# bumped by every write to them (meetings/receivers.py and the bulk writes).
VERSION = "meetings"

ORGANISERS = (Post.MANAGER, Post.ASSISTANT)
DRAFTERS = (Post.ASSISTANT,)
APPROVERS = (Post.MANAGER,)
READERS = (Post.EXECUTIVE,)


def _department_id(user):
    staff = staff_of(user)
    return staff.department_id if staff else None


def _scope_q(user, field="community") -> Q:
    ids = community_ids(user)
    if ids is None:
        return Q()
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": ids})


def organised_q(user) -> Q | None:
    """The meetings (or series) this person organises, or None."""
    department_id = _department_id(user)
    if not has_post(user, *ORGANISERS) or department_id is None:
        return None
    return Q(department_id=department_id) & _scope_q(user)


def may_organise(user, obj) -> bool:
    """May organise this meeting or series (its department, a community in scope)."""
    if not has_post(user, *ORGANISERS) or _department_id(user) != obj.department_id:
        return False
    ids = community_ids(user)
    return ids is None or obj.community_id is None or obj.community_id in ids


def may_draft(user, meeting) -> bool:
    return has_post(user, *DRAFTERS) and may_organise(user, meeting)


def may_approve(user, meeting) -> bool:
    return has_post(user, *APPROVERS) and may_organise(user, meeting)


def may_read_minutes(user, meeting) -> bool:
    """Drafts: the assistant and the manager; approved minutes: whoever sees the meeting."""
    if meeting.minutes_status == MinutesStatus.APPROVED:
        return meetings_visible_to(user).filter(pk=meeting.pk).exists()
    return may_organise(user, meeting)


def meetings_visible_to(user):
    if not is_staff_member(user):
        return Meeting.objects.none()
    attends = Attendee.objects.filter(meeting=OuterRef("pk"), user=user)
    condition = Q(Exists(attends))
    organised = organised_q(user)
    if organised is not None:
        condition |= organised
    if has_post(user, *READERS):
        condition |= Q(minutes_status=MinutesStatus.APPROVED)
    return Meeting.objects.filter(condition)


def meeting_get_for_user(user, pk) -> Meeting:
    return get_object_or_404(
        meetings_visible_to(user).select_related("series", "department", "community"), pk=pk
    )


def series_visible_to(user):
    organised = organised_q(user)
    if organised is None:
        return MeetingSeries.objects.none()
    return MeetingSeries.objects.filter(organised)


def series_get_for_user(user, pk) -> MeetingSeries:
    return get_object_or_404(series_visible_to(user).select_related("department"), pk=pk)


def filter_meetings(queryset, *, minutes: str = "", series=None):
    """`minutes`: "submitted" (awaiting the manager), "to_draft" (held, minutes not yet
    submitted), or a status."""
    if minutes == "to_draft":
        queryset = queryset.filter(
            starts_at__lte=timezone.now(), minutes_status__in=EDITABLE_MINUTES
        )
    elif minutes:
        queryset = queryset.filter(minutes_status=minutes)
    if series is not None:
        queryset = queryset.filter(series_id=series)
    return queryset


def minutes_waiting(user) -> dict[str, int]:
    """The homes' numbers: minutes to draft (the assistant) and to approve (the manager)."""
    out = {}
    organised = organised_q(user)
    if organised is None:
        return out
    mine = Meeting.objects.filter(organised)
    if has_post(user, *DRAFTERS):
        out["to_draft"] = filter_meetings(mine, minutes="to_draft").count()
    if has_post(user, *APPROVERS):
        out["submitted"] = filter_meetings(mine, minutes=MinutesStatus.SUBMITTED).count()
    return out


def next_meeting(user):
    return (
        meetings_visible_to(user)
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at", "id")
        .first()
    )


def attendees_of(meeting):
    return meeting.attendees.select_related("user__staff")


def agenda_of(meeting):
    return meeting.agenda.filter(dismissed=False).select_related("action__owner__staff")


def decisions_of(meeting):
    return meeting.decisions.select_related("improvement")


def actions_of(meeting):
    return meeting.actions.select_related("owner__staff")


# --- action items -------------------------------------------------------------------------


def actions_visible_to(user):
    """Action items in force (their minutes approved) of the meetings the person sees, and
    their own wherever they were decided."""
    approved = Q(meeting__minutes_status=MinutesStatus.APPROVED)
    if not is_staff_member(user):
        return ActionItem.objects.none()
    seen = Q(meeting__in=meetings_visible_to(user).values("pk")) | Q(owner=user)
    return ActionItem.objects.filter(approved & seen)


def filter_actions(queryset, *, owner=None, open_only: bool = False):
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if open_only:
        queryset = queryset.filter(done_at__isnull=True)
    return queryset


def open_actions_of(user):
    """The person's open action items: the "my work" number and the list it opens."""
    return filter_actions(actions_visible_to(user), owner=user, open_only=True)


def action_get_for_user(user, pk) -> ActionItem:
    return get_object_or_404(
        actions_visible_to(user).select_related("meeting", "owner__staff"), pk=pk
    )


def decision_get_for_user(user, pk) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=pk)
    if not may_read_minutes(user, decision.meeting):
        raise Http404
    return decision


# --- notices ------------------------------------------------------------------------------


def notices_visible_to(user):
    if not is_staff_member(user):
        return Notice.objects.none()
    received = NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=user)
    condition = Q(Exists(received)) | Q(created_by=user)
    if has_post(user, *ORGANISERS):
        ids = community_ids(user)
        department_id = _department_id(user)
        if ids is None:
            condition |= Q(community__isnull=False)
        else:
            condition |= Q(community__in=ids)
        if department_id is not None:
            condition |= Q(department_id=department_id)
    return Notice.objects.filter(condition)


def notice_get_for_user(user, pk) -> Notice:
    return get_object_or_404(
        notices_visible_to(user).select_related("department", "community", "created_by__staff"),
        pk=pk,
    )


def unread_notices_of(user):
    """The notices the person has not read yet: shown on their home until read."""
    if not is_staff_member(user):
        return Notice.objects.none()
    unread = NoticeRecipient.objects.filter(notice=OuterRef("pk"), user=user, read_at__isnull=True)
    return Notice.objects.filter(Exists(unread))


def receipts_of(notice):
    return notice.recipients.select_related("user__staff")


def receipt_of(notice, user):
    return notice.recipients.filter(user=user).first()
