"""Every change to a meeting (SUP-3, AST-2): permission, validation, the change and its audit
row in one transaction; notifications after the commit.

- the manager and the assistant of the department organise: series, meetings, the agenda,
  attendees and attendance;
- the assistant drafts the minutes (discussion, decisions, action items) and submits them;
  the manager approves them or returns them with a reason;
- an action item's owner (or an organiser) marks it done;
- a decision of approved minutes becomes an improvement item (source 会议决定).
The minutes' PDF is in pdf.py, the agenda's sources in agenda.py.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import community_ids, staff_of
from wuyedesk.accounts.models import User
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.improvements.choices import Source
from wuyedesk.improvements.services import item_create
from wuyedesk.meetings import agenda as agenda_sources
from wuyedesk.meetings import selectors
from wuyedesk.meetings.choices import EDITABLE_MINUTES, AgendaSource, Attendance, MinutesStatus
from wuyedesk.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingSeries,
)
from wuyedesk.notifications.services import notify


def _invalid(field: str | None, message: str, code: str = "invalid"):
    if field is None:
        return ValidationError(message, code=code)
    return ValidationError({field: ValidationError(message, code=code)})


def _link(meeting) -> str:
    return reverse("meetings:meeting_detail", args=[meeting.pk])


def _later(users, kind, text, link, key):
    users = list(users)
    if users:
        transaction.on_commit(lambda: notify(users=users, kind=kind, text=text, link=link, key=key))


def _department_of(by):
    staff = staff_of(by)
    return staff.department if staff else None


def _validate_common(by, *, title, community, duration_minutes, attendees) -> dict:
    errors = {}
    if not (title or "").strip():
        errors["title"] = ValidationError(_("请填写会议名称。"), code="required")
    ids = community_ids(by)
    if community is not None and ids is not None and community.pk not in ids:
        errors["community"] = ValidationError(_("小区不在您负责的范围内。"), code="invalid_choice")
    if not duration_minutes or duration_minutes <= 0:
        errors["duration_minutes"] = ValidationError(_("请填写会议时长。"), code="required")
    if not attendees:
        errors["attendees"] = ValidationError(_("请选择参会人。"), code="required")
    elif any(staff_of(user) is None for user in attendees):
        errors["attendees"] = ValidationError(_("参会人必须是在职员工。"), code="invalid_choice")
    return errors


def _require_organiser(by, community):
    department = _department_of(by)
    probe = Meeting(department=department, community=community) if department else None
    if probe is None or not selectors.may_organise(by, probe):
        raise PermissionDenied
    return department


# --- series and meetings --------------------------------------------------------------------


@transaction.atomic
def series_create(
    *,
    by,
    title: str,
    weekday: int,
    start_time: dt.time,
    duration_minutes: int,
    attendees,
    community=None,
    location: str = "",
) -> MeetingSeries:
    """The department's standing meeting (e.g. every Monday 9:00), of the organiser's
    department."""
    department = _require_organiser(by, community)
    errors = _validate_common(
        by,
        title=title,
        community=community,
        duration_minutes=duration_minutes,
        attendees=attendees,
    )
    if weekday is None or not 0 <= int(weekday) <= 6:
        errors["weekday"] = ValidationError(_("请选择星期几。"), code="required")
    if start_time is None:
        errors["start_time"] = ValidationError(_("请填写开始时间。"), code="required")
    if errors:
        raise ValidationError(errors)
    series = MeetingSeries.objects.create(
        title=title.strip()[:120],
        department=department,
        community=community,
        weekday=weekday,
        start_time=start_time,
        duration_minutes=duration_minutes,
        location=(location or "").strip()[:120],
        created_by=by,
    )
    series.attendees.set(attendees)
    audit_record(actor=by, action=AuditAction.CREATE, obj=series)
    return series


def next_start(series: MeetingSeries, after: dt.datetime) -> dt.datetime:
    """The series' first sitting strictly after `after` (company time zone)."""
    local = timezone.localtime(after)
    day = local.date()
    for offset in range(8):
        candidate_day = day + dt.timedelta(days=offset)
        if candidate_day.weekday() != series.weekday:
            continue
        candidate = timezone.make_aware(dt.datetime.combine(candidate_day, series.start_time))
        if candidate > after:
            return candidate
    raise AssertionError("a weekday recurs within eight days")


@transaction.atomic
def series_schedule_next(*, by, series: MeetingSeries) -> Meeting:
    """The series' next sitting: after its latest meeting (or from now), with its attendees
    and a proposed agenda."""
    if not selectors.may_organise(by, series):
        raise PermissionDenied
    latest = series.meetings.aggregate(m=Max("starts_at"))["m"]
    after = max(latest, timezone.now()) if latest else timezone.now()
    starts_at = next_start(series, after)
    local = timezone.localtime(starts_at)
    return meeting_create(
        by=by,
        title=f"{series.title} {local:%Y-%m-%d}",
        starts_at=starts_at,
        duration_minutes=series.duration_minutes,
        attendees=list(series.attendees.all()),
        community=series.community,
        location=series.location,
        series=series,
    )


@transaction.atomic
def meeting_create(
    *,
    by,
    title: str,
    starts_at: dt.datetime,
    duration_minutes: int,
    attendees,
    community=None,
    location: str = "",
    series: MeetingSeries | None = None,
) -> Meeting:
    """A meeting (single, or a sitting of `series`); its agenda is proposed at once."""
    department = _require_organiser(by, community)
    if series is not None and (
        series.department_id != department.pk
        or series.community_id != getattr(community, "pk", None)
    ):
        raise _invalid("series", _("会议与例会的部门或小区不一致。"))
    errors = _validate_common(
        by,
        title=title,
        community=community,
        duration_minutes=duration_minutes,
        attendees=attendees,
    )
    if starts_at is None:
        errors["starts_at"] = ValidationError(_("请填写开始时间。"), code="required")
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        series=series,
        title=title.strip()[:120],
        department=department,
        community=community,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=(location or "").strip()[:120],
        created_by=by,
    )
    Attendee.objects.bulk_create([Attendee(meeting=meeting, user=u) for u in set(attendees)])
    audit_record(
        actor=by, action=AuditAction.CREATE, obj=meeting, community_id=meeting.community_id
    )
    _add_proposals(by, meeting)
    text = _("会议通知:%(title)s") % {"title": meeting.title}
    others = [u for u in attendees if u.pk != by.pk]
    _later(others, "meeting", text, _link(meeting), f"meeting:{meeting.pk}:invited")
    return meeting


# --- the agenda -----------------------------------------------------------------------------


def _require_agenda_open(by, meeting):
    if not selectors.may_organise(by, meeting):
        raise PermissionDenied
    if meeting.minutes_status == MinutesStatus.APPROVED:
        raise _invalid(None, _("纪要已批准,议程不能再修改。"), "invalid_state")


def _add_proposals(by, meeting) -> int:
    known = set(meeting.agenda.values_list("key", flat=True))
    position = meeting.agenda.aggregate(m=Max("position"))["m"] or 0
    rows = []
    for proposal in agenda_sources.proposals(by, meeting):
        if proposal.key in known:
            continue
        known.add(proposal.key)
        position += 1
        rows.append(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=str(proposal.title)[:200],
                note=str(proposal.note),
                source=proposal.source,
                key=proposal.key,
                link=proposal.link[:200],
                action=proposal.action,
            )
        )
    AgendaItem.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def agenda_propose(*, by, meeting: Meeting) -> int:
    """Add what the data proposes now and the agenda does not have yet (nor had removed)."""
    _require_agenda_open(by, meeting)
    added = _add_proposals(by, meeting)
    if added:
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=meeting,
            community_id=meeting.community_id,
            details={"agenda_proposed": added},
        )
    return added


def _clean_item(title, note) -> tuple[str, str]:
    if not (title or "").strip():
        raise _invalid("title", _("请填写议题。"), "required")
    return title.strip()[:200], (note or "").strip()


@transaction.atomic
def agenda_add(*, by, meeting: Meeting, title: str, note: str = "") -> AgendaItem:
    _require_agenda_open(by, meeting)
    title, note = _clean_item(title, note)
    position = (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting, position=position, title=title, note=note, source=AgendaSource.OTHER
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=item, community_id=meeting.community_id)
    return item


@transaction.atomic
def agenda_update(
    *, by, item: AgendaItem, title: str, note: str = "", position: int | None = None
) -> AgendaItem:
    _require_agenda_open(by, item.meeting)
    title, note = _clean_item(title, note)
    before = {"title": item.title, "note": item.note, "position": item.position}
    item.title, item.note = title, note
    if position is not None:
        if position < 0:
            raise _invalid("position", _("顺序不能为负数。"))
        item.position = position
    item.save(update_fields=["title", "note", "position"])
    after = {"title": item.title, "note": item.note, "position": item.position}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=item,
            community_id=item.meeting.community_id,
            changes=changes,
        )
    return item


@transaction.atomic
def agenda_remove(*, by, item: AgendaItem) -> None:
    """Off the agenda; a proposal of the same thing will not bring it back."""
    _require_agenda_open(by, item.meeting)
    item.dismissed = True
    item.save(update_fields=["dismissed"])
    audit_record(
        actor=by, action=AuditAction.ARCHIVE, obj=item, community_id=item.meeting.community_id
    )


# --- attendance -----------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, by, meeting: Meeting, marks: dict[int, str]) -> None:
    """`marks`: attendee user id → present, absent or excused (of this meeting's attendees)."""
    if not selectors.may_organise(by, meeting):
        raise PermissionDenied
    if meeting.minutes_status == MinutesStatus.APPROVED:
        raise _invalid(None, _("纪要已批准,出席情况不能再修改。"), "invalid_state")
    if meeting.starts_at > timezone.now():
        raise _invalid(None, _("会议开始后才能记录出席情况。"), "not_started")
    rows = {a.user_id: a for a in meeting.attendees.all()}
    for user_id, mark in marks.items():
        if user_id not in rows:
            raise _invalid("attendance", _("该员工不是本次会议的参会人。"))
        if mark not in Attendance.values:
            raise _invalid("attendance", _("出席情况不正确。"))
    changes = {}
    for user_id, mark in marks.items():
        row = rows[user_id]
        if row.attendance != mark:
            changes[str(user_id)] = [row.attendance, mark]
            row.attendance = mark
            row.save(update_fields=["attendance"])
    if changes:
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=meeting,
            community_id=meeting.community_id,
            changes={"attendance": changes},
        )


# --- minutes --------------------------------------------------------------------------------


def _require_draft(by, meeting):
    if not selectors.may_draft(by, meeting):
        raise PermissionDenied
    if meeting.minutes_status not in EDITABLE_MINUTES:
        raise _invalid(None, _("纪要已提交,不能再修改。"), "invalid_state")


@transaction.atomic
def minutes_save(*, by, meeting: Meeting, discussion: str, decisions: list[str]) -> Meeting:
    """The assistant's draft: the discussion, and the decisions (one per entry) kept apart."""
    _require_draft(by, meeting)
    decisions = [d.strip() for d in decisions if d and d.strip()]
    meeting.discussion = (discussion or "").strip()
    if meeting.minutes_status == MinutesStatus.NONE:
        meeting.minutes_status = MinutesStatus.DRAFT
    meeting.drafted_by = by
    meeting.save(update_fields=["discussion", "minutes_status", "drafted_by"])
    meeting.decisions.all().delete()  # a draft's decisions are never linked yet
    Decision.objects.bulk_create(
        [Decision(meeting=meeting, position=i, text=t) for i, t in enumerate(decisions, 1)]
    )
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        community_id=meeting.community_id,
        details={"minutes": "saved", "decisions": len(decisions)},
    )
    return meeting


@transaction.atomic
def action_add(*, by, meeting: Meeting, title: str, owner, due: dt.date) -> ActionItem:
    """An action item of the draft minutes: exactly one owner (an attendee or any staff
    member of the meeting's scope) and a deadline."""
    _require_draft(by, meeting)
    errors = {}
    if not (title or "").strip():
        errors["title"] = ValidationError(_("请填写行动项。"), code="required")
    if owner is None or staff_of(owner) is None:
        errors["owner"] = ValidationError(_("负责人必须是在职员工。"), code="invalid_choice")
    if due is None:
        errors["due"] = ValidationError(_("请填写完成期限。"), code="required")
    elif due < timezone.localtime(meeting.starts_at).date():
        errors["due"] = ValidationError(_("完成期限不能早于会议日期。"), code="past")
    if errors:
        raise ValidationError(errors)
    action = ActionItem.objects.create(
        meeting=meeting, title=title.strip()[:200], owner=owner, due=due, created_by=by
    )
    if meeting.minutes_status == MinutesStatus.NONE:
        meeting.minutes_status = MinutesStatus.DRAFT
        meeting.drafted_by = by
        meeting.save(update_fields=["minutes_status", "drafted_by"])
    audit_record(actor=by, action=AuditAction.CREATE, obj=action, community_id=meeting.community_id)
    return action


@transaction.atomic
def action_remove(*, by, action: ActionItem) -> None:
    _require_draft(by, action.meeting)
    audit_record(
        actor=by, action=AuditAction.ARCHIVE, obj=action, community_id=action.meeting.community_id
    )
    action.delete()


@transaction.atomic
def minutes_submit(*, by, meeting: Meeting) -> Meeting:
    _require_draft(by, meeting)
    if meeting.starts_at > timezone.now():
        raise _invalid(None, _("会议尚未召开,不能提交纪要。"), "not_started")
    if not meeting.discussion and not meeting.decisions.exists():
        raise _invalid("discussion", _("请先填写讨论情况或会议决定。"), "required")
    meeting.minutes_status = MinutesStatus.SUBMITTED
    meeting.submitted_at = timezone.now()
    meeting.save(update_fields=["minutes_status", "submitted_at"])
    _minutes_audit(by, meeting, MinutesStatus.SUBMITTED)
    managers = _approvers(meeting)
    text = _("会议纪要待审批:%(title)s") % {"title": meeting.title}
    _later(
        managers, "minutes", text, _link(meeting), f"minutes:{meeting.pk}:{meeting.submitted_at}"
    )
    return meeting


def _approvers(meeting):
    users = User.objects.filter(
        staff__department_id=meeting.department_id,
        staff__archived_at__isnull=True,
        staff__posts__post__in=selectors.APPROVERS,
    ).distinct()
    return [u for u in users if selectors.may_approve(u, meeting)]


def _minutes_audit(by, meeting, status, reason=""):
    details = {"minutes": status}
    if reason:
        details["reason"] = reason
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        community_id=meeting.community_id,
        details=details,
    )


def _require_submitted(by, meeting):
    if not selectors.may_approve(by, meeting):
        raise PermissionDenied
    if meeting.minutes_status != MinutesStatus.SUBMITTED:
        raise _invalid(None, _("只有待审批的纪要才能批准或退回。"), "invalid_state")


@transaction.atomic
def minutes_approve(*, by, meeting: Meeting) -> Meeting:
    """The manager approves: attendees may read the minutes, action items are in force."""
    _require_submitted(by, meeting)
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.approved_at, meeting.approved_by, meeting.return_reason = timezone.now(), by, ""
    meeting.save(update_fields=["minutes_status", "approved_at", "approved_by", "return_reason"])
    _minutes_audit(by, meeting, MinutesStatus.APPROVED)
    text = _("会议纪要已批准:%(title)s") % {"title": meeting.title}
    attendees = [a.user for a in meeting.attendees.select_related("user")]
    _later(attendees, "minutes", text, _link(meeting), f"minutes:{meeting.pk}:approved")
    for action in meeting.actions.select_related("owner"):
        owner_text = _("会议行动项:%(title)s,期限 %(due)s") % {
            "title": action.title,
            "due": action.due,
        }
        _later(
            [action.owner],
            "meeting_action",
            owner_text,
            f"{reverse('meetings:action_list')}?mine=1",
            f"meeting_action:{action.pk}",
        )
    return meeting


@transaction.atomic
def minutes_return(*, by, meeting: Meeting, reason: str) -> Meeting:
    _require_submitted(by, meeting)
    if not (reason or "").strip():
        raise _invalid("reason", _("请填写退回原因。"), "required")
    meeting.minutes_status = MinutesStatus.RETURNED
    meeting.return_reason = reason.strip()
    meeting.save(update_fields=["minutes_status", "return_reason"])
    _minutes_audit(by, meeting, MinutesStatus.RETURNED, meeting.return_reason)
    if meeting.drafted_by_id:
        text = _("会议纪要被退回修改:%(title)s") % {"title": meeting.title}
        _later(
            [meeting.drafted_by],
            "minutes",
            text,
            _link(meeting),
            f"minutes:{meeting.pk}:returned:{timezone.now().isoformat()}",
        )
    return meeting


# --- after the meeting ----------------------------------------------------------------------


def may_close_action(user, action) -> bool:
    return action.owner_id == user.pk or selectors.may_organise(user, action.meeting)


@transaction.atomic
def action_done(*, by, action: ActionItem, note: str = "") -> ActionItem:
    """Done (its owner, or an organiser): no longer carried to the next agenda."""
    if not may_close_action(by, action):
        raise PermissionDenied
    now = timezone.now()
    claimed = ActionItem.objects.filter(pk=action.pk, done_at__isnull=True).update(
        done_at=now, done_note=(note or "").strip()
    )
    if not claimed:
        raise _invalid(None, _("该行动项已完成。"), "invalid_state")
    versions.bump(selectors.VERSION)  # the homes' open action items (an update sends no signal)
    action.done_at, action.done_note = now, (note or "").strip()
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=action,
        community_id=action.meeting.community_id,
        changes={"done_at": [None, now.isoformat()]},
    )
    return action


@transaction.atomic
def decision_to_improvement(*, by, decision: Decision, department, due, owner=None, measures=""):
    """A decision of approved minutes becomes an improvement item (source 会议决定)."""
    meeting = decision.meeting
    if not selectors.may_organise(by, meeting):
        raise PermissionDenied
    if meeting.minutes_status != MinutesStatus.APPROVED:
        raise _invalid(None, _("纪要批准后,决定才能转为改进事项。"), "invalid_state")
    if decision.improvement_id is not None:
        raise _invalid(None, _("该决定已转为改进事项。"), "invalid_state")
    item = item_create(
        by=by,
        title=decision.text[:120],
        source=Source.MEETING,
        department=department,
        owner=owner,
        community=meeting.community,
        measures=(measures or "").strip() or decision.text,
        due=due,
    )
    decision.improvement = item
    decision.save(update_fields=["improvement"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=decision,
        community_id=meeting.community_id,
        changes={"improvement": [None, item.pk]},
    )
    return item
