"""The agenda a meeting is proposed (SUP-3): what the department should talk about.

Sources, each a `Proposal` with a key so that a new proposal never repeats what the agenda
already has or what the organiser removed:
- open action items of earlier meetings of the series (in force, not done): carried to every
  next meeting until they are done;
- the overdue tickets now (one item, opening the overdue queue of the meeting's community);
- each complaint recorded since the previous meeting of the series (or, for the first one,
  since a week before the meeting: the weekly cadence of a series);
- the survey findings of quarterly reports submitted in that period (reports);
- the supervision group's inspection findings of that period (`inspection_findings`).
The proposals are read in the proposing organiser's scope, narrowed to the meeting's community.
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.meetings.choices import AgendaSource, MinutesStatus
from wuyedesk.meetings.models import ActionItem, Meeting
from wuyedesk.reports.survey_reports import findings_reported
from wuyedesk.supervision import selectors as supervision
from wuyedesk.tickets import selectors as tickets
from wuyedesk.tickets.choices import Kind

# A first meeting (no earlier one to start from) looks back one period of a weekly series.
FIRST_LOOKBACK = dt.timedelta(weeks=1)


@dataclass
class Proposal:
    source: str
    key: str
    title: str
    link: str = ""
    note: str = ""
    action: ActionItem | None = None


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The sitting before this one: of the same series, or (a single meeting) of the same
    department and community."""
    earlier = Meeting.objects.filter(starts_at__lt=meeting.starts_at).exclude(pk=meeting.pk)
    if meeting.series_id:
        earlier = earlier.filter(series_id=meeting.series_id)
    else:
        earlier = earlier.filter(
            department_id=meeting.department_id, community_id=meeting.community_id
        )
    return earlier.order_by("-starts_at", "-id").first()


def period_of(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    """[since, until): from the previous meeting to this one."""
    before = previous_meeting(meeting)
    since = before.starts_at if before else meeting.starts_at - FIRST_LOOKBACK
    return since, meeting.starts_at


def carried_actions(meeting: Meeting):
    """Open action items in force of the earlier meetings of the series."""
    if not meeting.series_id:
        return ActionItem.objects.none()
    return (
        ActionItem.objects.filter(
            meeting__series_id=meeting.series_id,
            meeting__starts_at__lt=meeting.starts_at,
            meeting__minutes_status=MinutesStatus.APPROVED,
            done_at__isnull=True,
        )
        .select_related("owner__staff", "meeting")
        .order_by("due", "id")
    )


def inspection_findings(user, since, until) -> list[Proposal]:
    """The supervision group's findings (failed checklist items of closed inspections) made
    in [since, until) that the organiser may see (`supervision.selectors.findings`, by
    calendar day, narrowed here to the period). The title names the checklist item, not the
    person: the inspection behind the link shows who, to those who may see it."""
    rows = supervision.findings(user, timezone.localdate(since), timezone.localdate(until))
    return [
        Proposal(
            AgendaSource.INSPECTION,
            f"finding:{finding.pk}",
            finding.item.text,
            reverse("supervision:inspection", args=[finding.inspection_id]),
            _("重复问题") if finding.repeated else "",
        )
        for finding in rows
        if since <= finding.at < until
    ]


def proposals(user, meeting: Meeting) -> list[Proposal]:
    since, until = period_of(meeting)
    out = []
    for action in carried_actions(meeting):
        owner = getattr(action.owner, "staff", None)
        out.append(
            Proposal(
                AgendaSource.ACTION,
                f"action:{action.pk}",
                action.title,
                reverse("meetings:meeting_detail", args=[action.meeting_id]),
                _("负责人 %(owner)s,期限 %(due)s")
                % {"owner": owner.name if owner else action.owner, "due": action.due},
                action,
            )
        )
    visible = tickets.tickets_visible_to(user)
    params = {"queue": "overdue"}
    if meeting.community_id:
        visible = visible.filter(community_id=meeting.community_id)
        params["community"] = meeting.community_id
    spec = (
        {"queue": "overdue", "community": meeting.community_id}
        if meeting.community_id
        else {"queue": "overdue"}
    )
    overdue = tickets.ticket_counts(user, {"overdue": spec})["overdue"]
    if overdue:
        out.append(
            Proposal(
                AgendaSource.OVERDUE,
                "overdue",
                _("超时工单 %(n)s 件") % {"n": overdue},
                f"{reverse('ticket_queue')}?{urlencode(params)}",
            )
        )
    complaints = visible.filter(
        kind=Kind.COMPLAINT, created_at__gte=since, created_at__lt=until
    ).order_by("created_at", "id")
    for ticket in complaints.only("id", "number", "title"):
        out.append(
            Proposal(
                AgendaSource.COMPLAINT,
                f"ticket:{ticket.pk}",
                f"{ticket.number} {ticket.title}"[:200],
                reverse("ticket_detail", args=[ticket.pk]),
            )
        )
    for finding in findings_reported(user, since, until):
        if meeting.community_id and finding["community_id"] not in (None, meeting.community_id):
            continue
        out.append(
            Proposal(
                AgendaSource.SURVEY,
                f"survey:{finding['campaign_id']}:{finding['community_id']}:"
                f"{finding['dimension_id']}",
                _("%(campaign)s:%(community)s %(dimension)s 满意率 %(satisfied)s%%") % finding,
                finding["url"],
            )
        )
    out.extend(inspection_findings(user, since, until))
    return out
