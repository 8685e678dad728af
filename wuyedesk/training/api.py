"""/api/v1/training: courses, sessions and their results, each person's record, the
trainings due and the induction gate (MGT-4, MGT-5).

Organisers (the manager, the assistant) create and change courses and sessions and record
results (403 for anyone else); every staff member reads the courses and the sessions they
attend; a record is read by the person, their department's organisers and executives (404
otherwise). Bad input is a 422 naming the field; nothing changes.
"""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from wuyedesk.api.schemas import ErrorOut, Id
from wuyedesk.training import selectors
from wuyedesk.training.choices import COURSE_POSTS, CourseKind
from wuyedesk.training.services import courses as course_services
from wuyedesk.training.services import sessions as session_services
from wuyedesk.training.services.common import invalid

router = Router(tags=["training"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
KindName = Literal[tuple(CourseKind.values)]
PostName = Literal[tuple(str(p) for p in COURSE_POSTS)]


class TrainingCourseOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    mandatory: bool
    posts: list[str]
    hours: Decimal
    pass_mark: int | None
    recurrence_months: int | None
    position: int
    archived: bool

    @staticmethod
    def resolve_archived(obj):
        return obj.archived_at is not None


class TrainingCourseIn(Schema):
    title: str = Field(..., max_length=80)
    kind: KindName
    description: str = ""
    mandatory: bool = True
    posts: list[PostName] = []
    hours: Decimal = Field(..., gt=0, le=200)
    pass_mark: int | None = Field(None, ge=0, le=100)
    recurrence_months: int | None = Field(None, ge=1, le=120)
    position: int = Field(0, ge=0, le=999)


class TrainingCoursePatch(Schema):
    title: str | None = Field(None, max_length=80)
    description: str | None = None
    mandatory: bool | None = None
    posts: list[PostName] | None = None
    hours: Decimal | None = Field(None, gt=0, le=200)
    pass_mark: int | None = Field(None, ge=0, le=100)
    recurrence_months: int | None = Field(None, ge=1, le=120)
    position: int | None = Field(None, ge=0, le=999)
    archived: bool | None = None


class TrainingAttendeeOut(Schema):
    user_id: int
    name: str
    attended: bool | None
    score: int | None
    hours: Decimal
    passed: bool

    @staticmethod
    def resolve_name(obj):
        return obj.user.staff.name


class TrainingSessionOut(Schema):
    id: int
    course_id: int
    course_title: str
    starts_at: dt.datetime
    hours: Decimal
    trainer: str
    place: str
    status: str
    notes: str

    @staticmethod
    def resolve_course_title(obj):
        return obj["course_title"] if isinstance(obj, dict) else obj.course.title


class TrainingSessionDetailOut(TrainingSessionOut):
    attendees: list[TrainingAttendeeOut]


class TrainingSessionIn(Schema):
    course_id: Id
    starts_at: dt.datetime
    hours: Decimal | None = Field(None, gt=0, le=200)
    trainer: str = Field(..., max_length=60)
    place: str = Field(..., max_length=100)
    notes: str = ""
    attendees: list[Id] = Field([], max_length=500)


class TrainingEnrolIn(Schema):
    attendees: list[Id] = Field(..., min_length=1, max_length=500)


class TrainingResultIn(Schema):
    user: Id
    attended: bool
    score: int | None = Field(None, ge=0, le=100)


class TrainingResultsIn(Schema):
    results: list[TrainingResultIn] = Field(..., min_length=1, max_length=500)


class TrainingRecordRowOut(Schema):
    session_id: int
    course_id: int
    course: str
    kind: str
    starts_at: dt.datetime
    attended: bool | None
    hours: Decimal
    score: int | None
    passed: bool


class TrainingFiguresOut(Schema):
    hours: Decimal
    sessions_attended: int
    sessions_required: int
    exams_taken: int
    exams_passed: int
    mandatory_overdue: int


class TrainingDueOut(Schema):
    user_id: int
    course_id: int
    course: str
    state: str
    passed_on: dt.date | None
    expires_on: dt.date | None


class TrainingRecordOut(Schema):
    user_id: int
    name: str
    induction_block: str | None
    start: dt.date
    end: dt.date
    figures: TrainingFiguresOut
    due: list[TrainingDueOut]
    sessions: list[TrainingRecordRowOut]


def _staff(request):
    if not selectors.may_read_training(request.auth):
        raise PermissionDenied


def _organiser(request):
    if not selectors.may_organise(request.auth):
        raise PermissionDenied


def _session_out(user, session) -> dict:
    rows = list(selectors.attendees_of(session))
    if not (selectors.may_organise(user) or selectors.sees_everyone(user)):
        rows = [row for row in rows if row.user_id == user.pk]
    return {
        "id": session.pk,
        "course_id": session.course_id,
        "course_title": session.course.title,
        "starts_at": session.starts_at,
        "hours": session.hours,
        "trainer": session.trainer,
        "place": session.place,
        "status": session.status,
        "notes": session.notes,
        "attendees": rows,
    }


def _due_out(item) -> dict:
    return {
        "user_id": item.user_id,
        "course_id": item.course_id,
        "course": item.course_title,
        "state": item.state,
        "passed_on": item.passed_on,
        "expires_on": item.expires_on,
    }


@router.get(
    "/courses", response={200: list[TrainingCourseOut], **ERRORS}, operation_id="training_courses"
)
def course_list(request, archived: bool = False):
    """The courses (with the stopped ones when `archived` is true)."""
    _staff(request)
    return list(selectors.courses(include_archived=archived))


@router.post(
    "/courses", response={201: TrainingCourseOut, **ERRORS}, operation_id="training_course_create"
)
def course_create(request, payload: TrainingCourseIn):
    _organiser(request)
    return Status(201, course_services.course_create(by=request.auth, **payload.model_dump()))


@router.get(
    "/courses/{pk}", response={200: TrainingCourseOut, **ERRORS}, operation_id="training_course"
)
def course_get(request, pk: int):
    _staff(request)
    return selectors.course_get(request.auth, pk)


@router.patch(
    "/courses/{pk}",
    response={200: TrainingCourseOut, **ERRORS},
    operation_id="training_course_update",
)
def course_update(request, pk: int, payload: TrainingCoursePatch):
    """Change the fields given; `archived` stops or restores the course."""
    _organiser(request)
    course = selectors.course_get(request.auth, pk)
    values = payload.model_dump(exclude_unset=True)
    archived = values.pop("archived", None)
    if values:
        course = course_services.course_update(by=request.auth, course=course, **values)
    if archived is not None:
        course = course_services.course_archive(
            by=request.auth, course=course, restore=not archived
        )
    return course


@router.get(
    "/sessions",
    response={200: list[TrainingSessionOut], **ERRORS},
    operation_id="training_sessions",
)
def session_list(request, upcoming: bool = False):
    """The sessions the caller sees (organisers and executives: all; others: theirs),
    newest first, at most 200; `upcoming`: those not yet started, soonest first."""
    _staff(request)
    if upcoming:
        return list(selectors.upcoming_sessions(request.auth)[:200])
    return list(selectors.sessions_visible_to(request.auth).order_by("-starts_at", "-id")[:200])


@router.post(
    "/sessions",
    response={201: TrainingSessionDetailOut, **ERRORS},
    operation_id="training_session_create",
)
def session_create(request, payload: TrainingSessionIn):
    _organiser(request)
    values = payload.model_dump()
    course = selectors.courses().filter(pk=values.pop("course_id")).first()
    if course is None:
        raise invalid("course_id", _("请选择课程。"), "invalid_choice")
    session = session_services.session_create(by=request.auth, course=course, **values)
    return Status(201, _session_out(request.auth, session))


@router.get(
    "/sessions/{pk}",
    response={200: TrainingSessionDetailOut, **ERRORS},
    operation_id="training_session",
)
def session_get(request, pk: int):
    _staff(request)
    return _session_out(request.auth, selectors.session_get(request.auth, pk))


@router.post(
    "/sessions/{pk}/enrol",
    response={200: TrainingSessionDetailOut, **ERRORS},
    operation_id="training_session_enrol",
)
def session_enrol(request, pk: int, payload: TrainingEnrolIn):
    """Add attendees (staff user ids of the organiser's people)."""
    _organiser(request)
    session = selectors.session_get(request.auth, pk)
    session_services.session_enrol(by=request.auth, session=session, users=payload.attendees)
    return _session_out(request.auth, session)


@router.post(
    "/sessions/{pk}/results",
    response={200: TrainingSessionDetailOut, **ERRORS},
    operation_id="training_session_results",
)
def session_results(request, pk: int, payload: TrainingResultsIn):
    """Record attendance and exam scores: passed = attended and score >= the pass mark
    (attended, for a course without an exam)."""
    _organiser(request)
    session = selectors.session_get(request.auth, pk)
    results = [row.model_dump() for row in payload.results]
    session = session_services.session_record(by=request.auth, session=session, results=results)
    return _session_out(request.auth, session)


@router.post(
    "/sessions/{pk}/cancel",
    response={200: TrainingSessionDetailOut, **ERRORS},
    operation_id="training_session_cancel",
)
def session_cancel(request, pk: int):
    _organiser(request)
    session = selectors.session_get(request.auth, pk)
    session = session_services.session_cancel(by=request.auth, session=session)
    return _session_out(request.auth, session)


@router.get("/due", response={200: list[TrainingDueOut], **ERRORS}, operation_id="training_due")
def due(request, mine: bool = False):
    """The mandatory trainings due: of the caller's people, or their own (`mine`)."""
    _staff(request)
    user = request.auth
    items = selectors.my_due(user) if mine else selectors.due_for(user)
    return [_due_out(item) for item in items]


@router.get(
    "/records/{person}", response={200: TrainingRecordOut, **ERRORS}, operation_id="training_record"
)
def record(request, person: int, start: dt.date | None = None, end: dt.date | None = None):
    """A person's training record: their sessions, hours, scores and passes; the figures of
    [start, end] (default: this year so far); what is due; the induction gate's answer."""
    _staff(request)
    staff = selectors.record_person(request.auth, person)
    end = end or timezone.localdate()
    start = start or dt.date(end.year, 1, 1)
    if start > end:
        raise invalid("start", _("开始日期不能晚于结束日期。"))
    figures = selectors.training_summary([staff.user_id], start, end)[staff.user_id]
    rows = [
        {
            "session_id": a.session_id,
            "course_id": a.session.course_id,
            "course": a.session.course.title,
            "kind": a.session.course.kind,
            "starts_at": a.session.starts_at,
            "attended": a.attended,
            "hours": a.hours,
            "score": a.score,
            "passed": a.passed,
        }
        for a in selectors.record_of(staff.user_id)[:500]
    ]
    return {
        "user_id": staff.user_id,
        "name": staff.name,
        "induction_block": selectors.induction_block(staff.user),
        "start": start,
        "end": end,
        "figures": figures.__dict__,
        "due": [
            _due_out(i) for i in selectors.due_trainings([staff.user_id]).get(staff.user_id, [])
        ],
        "sessions": rows,
    }
