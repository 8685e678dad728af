"""/api/v1/meetings (SUP-3, AST-2) and /api/v1/notices (AST-5).

A meeting outside the caller's sight is a 404; an action the caller may not take is a 403;
ids a client sends are looked up in what it may see (a 422 naming the field otherwise).
Minutes (discussion, decisions, action items) are in the answer only for who may read them.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.api.schemas import MAX_ID, Day, ErrorOut, Id, Text, Title, When
from wuyedesk.meetings import notices, pdf, selectors, services
from wuyedesk.meetings.choices import Attendance, MinutesStatus
from wuyedesk.properties.selectors import communities_visible_to, departments_visible_to
from wuyedesk.tickets.selectors import task_assignees_for

router = Router(tags=["meetings"])
notice_router = Router(tags=["notices"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _require_staff(request):
    if not is_staff_member(request.auth):
        raise PermissionDenied


def _bad(field, message=None):
    return ValidationError(
        {
            field: ValidationError(
                message or _("找不到该记录,或不在您的权限范围内。"), code="invalid_choice"
            )
        }
    )


def _pick(queryset, pk, field):
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise _bad(field)
    return found


def _people(user, staff_ids, field):
    found = list(task_assignees_for(user).filter(staff__id__in=staff_ids))
    if len(found) != len(set(staff_ids)):
        raise _bad(field, _("找不到该员工,或不能选择该员工。"))
    return found


def _name(user):
    staff = getattr(user, "staff", None)
    return staff.name if staff else user.get_username()


class AgendaOut(Schema):
    id: int
    position: int
    title: str
    note: str
    source: str
    link: str
    action_id: int | None


class AttendeeOut(Schema):
    staff_id: int | None
    name: str
    attendance: str

    @staticmethod
    def resolve_staff_id(obj):
        staff = getattr(obj.user, "staff", None)
        return staff.pk if staff else None

    @staticmethod
    def resolve_name(obj):
        return _name(obj.user)


class ActionOut(Schema):
    id: int
    meeting_id: int
    title: str
    owner: str
    owner_staff_id: int | None
    due: dt.date
    done_at: dt.datetime | None
    done_note: str

    @staticmethod
    def resolve_owner(obj):
        return _name(obj.owner)

    @staticmethod
    def resolve_owner_staff_id(obj):
        staff = getattr(obj.owner, "staff", None)
        return staff.pk if staff else None


class DecisionOut(Schema):
    id: int
    text: str
    improvement_id: int | None


class MeetingOut(Schema):
    id: int
    title: str
    series_id: int | None
    department_id: int
    community_id: int | None
    starts_at: dt.datetime
    duration_minutes: int
    location: str
    minutes_status: str


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaOut]
    attendees: list[AttendeeOut]
    minutes: dict | None = Field(
        None, description="discussion, decisions, action items: for who may read the minutes"
    )
    return_reason: str | None = None
    pdf_ready: bool = False


class MeetingPage(Schema):
    items: list[MeetingOut]
    next_cursor: int | None = None


class MeetingFilters(Schema):
    minutes: Literal["to_draft", *MinutesStatus.values[1:]] | None = None
    series: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(50, ge=1, le=200)
    cursor: int | None = Field(None, ge=0, le=MAX_ID)


class MeetingIn(Schema):
    title: Title
    starts_at: When
    duration_minutes: int = Field(ge=1, le=600)
    attendees: list[Id] = Field(min_length=1, max_length=200, description="staff ids")
    community: Id | None = None
    location: str = Field("", max_length=120)


class SeriesIn(Schema):
    title: Title
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday")
    start_time: dt.time
    duration_minutes: int = Field(ge=1, le=600)
    attendees: list[Id] = Field(min_length=1, max_length=200, description="staff ids")
    community: Id | None = None
    location: str = Field("", max_length=120)


class SeriesOut(Schema):
    id: int
    title: str
    department_id: int
    community_id: int | None
    weekday: int
    start_time: dt.time
    duration_minutes: int
    location: str


class AgendaIn(Schema):
    title: Title
    note: Text = ""


class AgendaPatch(Schema):
    title: Title
    note: Text = ""
    position: int | None = Field(None, ge=0, le=999)


class AttendanceIn(Schema):
    staff_id: Id
    attendance: Literal[tuple(Attendance.values)]


class MinutesIn(Schema):
    discussion: Text = ""
    decisions: list[Text] = Field(default_factory=list, max_length=100)


class ReturnIn(Schema):
    reason: Text = ""


class ActionIn(Schema):
    title: Title
    owner: Id = Field(description="staff id")
    due: Day


class DoneIn(Schema):
    note: Text = ""


class ImprovementIn(Schema):
    department: Id
    due: Day
    owner: Id | None = Field(None, description="staff id")
    measures: Text = ""


def _detail(user, pk):
    meeting = selectors.meeting_get_for_user(user, pk)
    meeting.agenda_rows = list(selectors.agenda_of(meeting))
    body = MeetingOut.from_orm(meeting).dict()
    body["agenda"] = meeting.agenda_rows
    body["attendees"] = list(selectors.attendees_of(meeting))
    if selectors.may_read_minutes(user, meeting):
        body["minutes"] = {
            "discussion": meeting.discussion,
            "decisions": [DecisionOut.from_orm(d).dict() for d in selectors.decisions_of(meeting)],
            "actions": [ActionOut.from_orm(a).dict() for a in selectors.actions_of(meeting)],
        }
        body["return_reason"] = meeting.return_reason
        body["pdf_ready"] = bool(meeting.pdf and meeting.pdf_rendered_at)
    return body


@router.get("", response={200: MeetingPage, **ERRORS}, operation_id="meeting_list")
def meeting_list(request, filters: Query[MeetingFilters]):
    """The meetings the caller sees, newest first, keyset-paginated by id."""
    _require_staff(request)
    f = filters
    qs = selectors.filter_meetings(
        selectors.meetings_visible_to(request.auth), minutes=f.minutes or "", series=f.series
    ).order_by("-id")
    if f.cursor is not None:
        qs = qs.filter(id__lt=f.cursor)
    rows = list(qs[: f.limit + 1])
    more = len(rows) > f.limit
    rows = rows[: f.limit]
    return {"items": rows, "next_cursor": rows[-1].id if more else None}


@router.post("", response={201: MeetingDetailOut, **ERRORS}, operation_id="meeting_create")
def meeting_create(request, payload: MeetingIn):
    """A single meeting of the caller's department (manager, assistant); agenda proposed."""
    _require_staff(request)
    user = request.auth
    if selectors.organised_q(user) is None:
        raise PermissionDenied
    p = payload
    meeting = services.meeting_create(
        by=user,
        title=p.title,
        starts_at=p.starts_at,
        duration_minutes=p.duration_minutes,
        attendees=_people(user, p.attendees, "attendees"),
        community=_pick(communities_visible_to(user), p.community, "community"),
        location=p.location,
    )
    return Status(201, _detail(user, meeting.pk))


@router.get(
    "/series", response={200: list[SeriesOut], **ERRORS}, operation_id="meeting_series_list"
)
def series_list(request):
    _require_staff(request)
    return list(selectors.series_visible_to(request.auth))


@router.post("/series", response={201: SeriesOut, **ERRORS}, operation_id="meeting_series_create")
def series_create(request, payload: SeriesIn):
    """The department's standing meeting (manager, assistant)."""
    _require_staff(request)
    user = request.auth
    if selectors.organised_q(user) is None:
        raise PermissionDenied
    p = payload
    series = services.series_create(
        by=user,
        title=p.title,
        weekday=p.weekday,
        start_time=p.start_time,
        duration_minutes=p.duration_minutes,
        attendees=_people(user, p.attendees, "attendees"),
        community=_pick(communities_visible_to(user), p.community, "community"),
        location=p.location,
    )
    return Status(201, series)


@router.get("/series/{pk}", response={200: SeriesOut, **ERRORS}, operation_id="meeting_series_get")
def series_get(request, pk: int):
    _require_staff(request)
    return selectors.series_get_for_user(request.auth, pk)


@router.post(
    "/series/{pk}/next",
    response={201: MeetingDetailOut, **ERRORS},
    operation_id="meeting_series_next",
)
def series_next(request, pk: int):
    """Schedule the series' next sitting, with its attendees and a proposed agenda."""
    _require_staff(request)
    series = selectors.series_get_for_user(request.auth, pk)
    meeting = services.series_schedule_next(by=request.auth, series=series)
    return Status(201, _detail(request.auth, meeting.pk))


@router.get(
    "/actions", response={200: list[ActionOut], **ERRORS}, operation_id="meeting_action_list"
)
def action_list(request, mine: bool = False, open: bool = False):
    """Action items in force; `mine`: the caller's (their "my work"), `open`: not done."""
    _require_staff(request)
    user = request.auth
    qs = selectors.filter_actions(
        selectors.actions_visible_to(user), owner=user if mine else None, open_only=open
    ).select_related("owner__staff")
    return list(qs.order_by("due", "id")[:500])


@router.post(
    "/actions/{pk}/done", response={200: ActionOut, **ERRORS}, operation_id="meeting_action_done"
)
def action_done(request, pk: int, payload: DoneIn):
    _require_staff(request)
    action = selectors.action_get_for_user(request.auth, pk)
    return services.action_done(by=request.auth, action=action, note=payload.note)


@router.post(
    "/decisions/{pk}/improvement",
    response={201: dict, **ERRORS},
    operation_id="meeting_decision_improvement",
)
def decision_improvement(request, pk: int, payload: ImprovementIn):
    """A decision of approved minutes becomes an improvement item (source 会议决定)."""
    _require_staff(request)
    user = request.auth
    decision = selectors.decision_get_for_user(user, pk)
    owner = _people(user, [payload.owner], "owner")[0] if payload.owner else None
    item = services.decision_to_improvement(
        by=user,
        decision=decision,
        department=_pick(departments_visible_to(user), payload.department, "department"),
        due=payload.due,
        owner=owner,
        measures=payload.measures,
    )
    return Status(201, {"improvement_id": item.pk})


@router.get("/{pk}", response={200: MeetingDetailOut, **ERRORS}, operation_id="meeting_get")
def meeting_get(request, pk: int):
    _require_staff(request)
    return _detail(request.auth, pk)


@router.post(
    "/{pk}/agenda/propose",
    response={200: MeetingDetailOut, **ERRORS},
    operation_id="meeting_agenda_propose",
)
def agenda_propose(request, pk: int):
    """Add what the data proposes now and the agenda lacks (organisers)."""
    _require_staff(request)
    meeting = selectors.meeting_get_for_user(request.auth, pk)
    services.agenda_propose(by=request.auth, meeting=meeting)
    return _detail(request.auth, pk)


@router.post(
    "/{pk}/agenda", response={201: MeetingDetailOut, **ERRORS}, operation_id="meeting_agenda_add"
)
def agenda_add(request, pk: int, payload: AgendaIn):
    _require_staff(request)
    meeting = selectors.meeting_get_for_user(request.auth, pk)
    services.agenda_add(by=request.auth, meeting=meeting, title=payload.title, note=payload.note)
    return Status(201, _detail(request.auth, pk))


def _item(request, pk, item_id):
    meeting = selectors.meeting_get_for_user(request.auth, pk)
    item = get_object_or_404(meeting.agenda.filter(dismissed=False), pk=item_id)
    item.meeting = meeting
    return item


@router.patch(
    "/{pk}/agenda/{item_id}",
    response={200: MeetingDetailOut, **ERRORS},
    operation_id="meeting_agenda_update",
)
def agenda_update(request, pk: int, item_id: int, payload: AgendaPatch):
    _require_staff(request)
    item = _item(request, pk, item_id)
    services.agenda_update(by=request.auth, item=item, **payload.dict())
    return _detail(request.auth, pk)


@router.delete(
    "/{pk}/agenda/{item_id}", response={204: None, **ERRORS}, operation_id="meeting_agenda_remove"
)
def agenda_remove(request, pk: int, item_id: int):
    _require_staff(request)
    services.agenda_remove(by=request.auth, item=_item(request, pk, item_id))
    return Status(204, None)


@router.put(
    "/{pk}/attendance",
    response={200: MeetingDetailOut, **ERRORS},
    operation_id="meeting_attendance",
)
def attendance(request, pk: int, payload: list[AttendanceIn]):
    """Present, absent or excused, per attendee (organisers, once the meeting has begun)."""
    _require_staff(request)
    meeting = selectors.meeting_get_for_user(request.auth, pk)
    by_staff = {a.user.staff.pk: a.user_id for a in selectors.attendees_of(meeting)}
    marks = {}
    for row in payload:
        if row.staff_id not in by_staff:
            raise _bad("attendance", _("该员工不是本次会议的参会人。"))
        marks[by_staff[row.staff_id]] = row.attendance
    services.attendance_record(by=request.auth, meeting=meeting, marks=marks)
    return _detail(request.auth, pk)


@router.put(
    "/{pk}/minutes", response={200: MeetingDetailOut, **ERRORS}, operation_id="meeting_minutes_save"
)
def minutes_save(request, pk: int, payload: MinutesIn):
    """The assistant's draft: discussion, and the decisions kept apart (one per entry)."""
    _require_staff(request)
    meeting = selectors.meeting_get_for_user(request.auth, pk)
    services.minutes_save(
        by=request.auth, meeting=meeting, discussion=payload.discussion, decisions=payload.decisions
    )
    return _detail(request.auth, pk)


@router.post(
    "/{pk}/actions", response={201: MeetingDetailOut, **ERRORS}, operation_id="meeting_action_add"
)
def action_add(request, pk: int, payload: ActionIn):
    """An action item of the draft minutes: one owner, a deadline (the assistant)."""
    _require_staff(request)
    user = request.auth
    meeting = selectors.meeting_get_for_user(user, pk)
    if not selectors.may_draft(user, meeting):
        raise PermissionDenied
    owner = _people(user, [payload.owner], "owner")[0]
    services.action_add(by=user, meeting=meeting, title=payload.title, owner=owner, due=payload.due)
    return Status(201, _detail(user, pk))


MinutesStep = Literal["submit", "approve", "return", "pdf"]


@router.post(
    "/{pk}/minutes/{step}",
    response={200: MeetingDetailOut, **ERRORS},
    operation_id="meeting_minutes_step",
)
def minutes_step(request, pk: int, step: MinutesStep, payload: ReturnIn | None = None):
    """submit (the assistant), approve or return with a reason (the manager), pdf (queue the
    approved minutes' PDF; poll the meeting's pdf_ready)."""
    _require_staff(request)
    user = request.auth
    meeting = selectors.meeting_get_for_user(user, pk)
    if step == "submit":
        services.minutes_submit(by=user, meeting=meeting)
    elif step == "approve":
        services.minutes_approve(by=user, meeting=meeting)
    elif step == "return":
        services.minutes_return(by=user, meeting=meeting, reason=payload.reason if payload else "")
    else:
        pdf.minutes_request_pdf(by=user, meeting=meeting)
    return _detail(user, pk)


# --- notices ------------------------------------------------------------------------------


class InternalNoticeOut(Schema):
    id: int
    title: str
    body: str
    department_id: int | None
    community_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None = None


class ReceiptOut(Schema):
    staff_id: int | None
    name: str
    read_at: dt.datetime | None

    @staticmethod
    def resolve_staff_id(obj):
        staff = getattr(obj.user, "staff", None)
        return staff.pk if staff else None

    @staticmethod
    def resolve_name(obj):
        return _name(obj.user)


class NoticeDetailOut(InternalNoticeOut):
    receipts: list[ReceiptOut] | None = Field(
        None, description="who has read it and who has not: for its sender, manager, assistant"
    )


class NoticeIn(Schema):
    title: Title
    body: Text
    department: Id | None = None
    community: Id | None = None


def _notice(user, pk):
    notice = selectors.notice_get_for_user(user, pk)
    body = InternalNoticeOut.from_orm(notice).dict()
    mine = selectors.receipt_of(notice, user)
    body["read_at"] = mine.read_at if mine else None
    if notice.created_by_id == user.pk or notices.may_send(user):
        body["receipts"] = list(selectors.receipts_of(notice))
    return body


@notice_router.get(
    "", response={200: list[InternalNoticeOut], **ERRORS}, operation_id="notice_list"
)
def notice_list(request, unread: bool = False):
    """Notices the caller sees (newest first); `unread`: those waiting for their receipt."""
    _require_staff(request)
    user = request.auth
    qs = selectors.unread_notices_of(user) if unread else selectors.notices_visible_to(user)
    return list(qs.order_by("-created_at", "-id")[:200])


@notice_router.post("", response={201: NoticeDetailOut, **ERRORS}, operation_id="notice_create")
def notice_create(request, payload: NoticeIn):
    """A notice to the staff of one department or one community (manager, assistant)."""
    _require_staff(request)
    user = request.auth
    if not notices.may_send(user):
        raise PermissionDenied
    notice = notices.notice_create(
        by=user,
        title=payload.title,
        body=payload.body,
        department=_pick(departments_visible_to(user), payload.department, "department"),
        community=_pick(communities_visible_to(user), payload.community, "community"),
    )
    return Status(201, _notice(user, notice.pk))


@notice_router.get("/{pk}", response={200: NoticeDetailOut, **ERRORS}, operation_id="notice_get")
def notice_get(request, pk: int):
    _require_staff(request)
    return _notice(request.auth, pk)


@notice_router.post(
    "/{pk}/read", response={200: NoticeDetailOut, **ERRORS}, operation_id="notice_read"
)
def notice_read(request, pk: int):
    """The caller's read receipt (recipients only)."""
    _require_staff(request)
    notice = selectors.notice_get_for_user(request.auth, pk)
    notices.notice_read(by=request.auth, notice=notice)
    return _notice(request.auth, pk)
