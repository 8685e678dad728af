"""Reads of training, scoped to what the user may see, and the induction gate (MGT-4).

Who sees what: each person their own record; the manager and the assistant (who organise
training, AST-5) the records of their department's staff within their communities (every
colleague they may see when they have no department); executives everyone's. Courses are
read by every staff member; sessions by organisers and executives, and by their attendees.

The induction gate (`PolicySettings.induction_gate_enabled`, default on): a person who has
not passed every mandatory induction course that applies to one of their posts may not be a
ticket's owner nor be on the phone roster alone. `induction_block` and
`induction_blocked_ids` answer it; tickets and staffing ask (they sit above training).
"""

import dataclasses
import datetime as dt
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, posts_of, staff_of
from wuyedesk.accounts.models import Staff, StaffPost
from wuyedesk.accounts.selectors import active_staff
from wuyedesk.core import reference
from wuyedesk.policies.services.settings import policy
from wuyedesk.training.choices import EXECUTIVES, ORGANISERS, CourseKind, DueState, SessionStatus
from wuyedesk.training.models import Attendance, Course, Session

# What the homes keep from training (web/home.py) is kept under this version, bumped by every
# write to courses, sessions, attendance and the staff and their posts (training/receivers.py).
VERSION = "training"


@dataclasses.dataclass(frozen=True)
class TrainingFigures:
    """A person's training over a period (the appraisal reads it)."""

    hours: Decimal
    sessions_attended: int
    sessions_required: int
    exams_taken: int
    exams_passed: int
    mandatory_overdue: int


@dataclasses.dataclass(frozen=True)
class _CourseRef:
    pk: int
    title: str
    kind: str
    posts: frozenset
    recurrence_months: int | None

    def applies_to(self, posts) -> bool:
        return not self.posts or bool(self.posts & {str(p) for p in posts})


@dataclasses.dataclass(frozen=True)
class DueItem:
    """A mandatory course a person has to take (again)."""

    user_id: int
    course_id: int
    course_title: str
    state: str  # DueState
    passed_on: dt.date | None
    expires_on: dt.date | None

    def get_state_display(self) -> str:
        return str(DueState(self.state).label)


# --- who may do what -------------------------------------------------------------------


def may_organise(user) -> bool:
    """Create courses and sessions, enrol people, record results."""
    return has_post(user, *ORGANISERS)


def sees_everyone(user) -> bool:
    """Executives read every record and session."""
    return has_post(user, *EXECUTIVES)


def may_read_training(user) -> bool:
    return staff_of(user) is not None or has_post(user, *EXECUTIVES)


def people_of(user):
    """The staff whose training records the user may read (active staff only)."""
    staff = staff_of(user)
    if staff is None:
        return Staff.objects.none()
    qs = Staff.objects.filter(archived_at__isnull=True).select_related("user", "department")
    if has_post(user, *EXECUTIVES):
        return qs
    if has_post(user, *ORGANISERS):
        # Their department's colleagues within their communities (the company-wide manager:
        # the whole department), like every list of people.
        mine = active_staff(user).select_related("user", "department")
        if staff.department_id is not None:
            return mine.filter(Q(department_id=staff.department_id) | Q(pk=staff.pk))
        return mine
    return qs.filter(pk=staff.pk)


def may_read_record(user, person_id: int) -> bool:
    return people_of(user).filter(user_id=person_id).exists()


def record_person(user, person_id: int) -> Staff:
    return get_object_or_404(people_of(user), user_id=person_id)


# --- courses and sessions --------------------------------------------------------------


def courses(*, include_archived: bool = False):
    qs = Course.objects.all()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def course_get(user, pk) -> Course:
    if not may_read_training(user):
        return get_object_or_404(Course.objects.none(), pk=pk)
    return get_object_or_404(Course, pk=pk)


def sessions_visible_to(user):
    """Organisers and executives see every session; others the sessions they attend."""
    qs = Session.objects.select_related("course")
    if has_post(user, *ORGANISERS, *EXECUTIVES):
        return qs
    if staff_of(user) is None:
        return qs.none()
    return qs.filter(attendees__user=user).distinct()


def session_get(user, pk) -> Session:
    return get_object_or_404(sessions_visible_to(user), pk=pk)


def attendees_of(session):
    return (
        Attendance.objects.filter(session=session)
        .select_related("user__staff")
        .order_by("user__staff__employee_no", "id")
    )


def upcoming_sessions(user, *, now=None):
    now = now or timezone.now()
    return (
        sessions_visible_to(user)
        .filter(starts_at__gte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("starts_at", "id")
    )


def record_of(person_id: int):
    """A person's training record: every session they were enrolled in, newest first."""
    return (
        Attendance.objects.filter(user_id=person_id)
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session__course")
        .order_by("-session__starts_at", "-id")
    )


# --- the induction gate and what is due ------------------------------------------------


def _course_refs() -> tuple[_CourseRef, ...]:
    """The active mandatory courses, kept until the reference data changes (a course saved)."""

    def build():
        return tuple(
            _CourseRef(c.pk, c.title, c.kind, frozenset(c.posts or ()), c.recurrence_months)
            for c in Course.objects.filter(archived_at__isnull=True, mandatory=True).order_by(
                "kind", "position", "id"
            )
        )

    return reference.memo(("training", "mandatory-courses"), build)


def _induction_refs() -> tuple[_CourseRef, ...]:
    return tuple(c for c in _course_refs() if c.kind == CourseKind.INDUCTION)


def _passed_courses(user_ids, course_ids, *, until: dt.datetime | None = None) -> dict:
    """{user_id: {course_id: date of the latest pass}}."""
    qs = Attendance.objects.filter(
        user_id__in=list(user_ids), passed=True, session__course_id__in=list(course_ids)
    ).exclude(session__status=SessionStatus.CANCELLED)
    if until is not None:
        qs = qs.filter(session__starts_at__lt=until)
    out: dict = defaultdict(dict)
    for user_id, course_id, starts_at in qs.values_list(
        "user_id", "session__course_id", "session__starts_at"
    ):
        day = timezone.localtime(starts_at).date()
        if day > out[user_id].get(course_id, dt.date.min):
            out[user_id][course_id] = day
    return out


def _posts_by_user(user_ids) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    rows = StaffPost.objects.filter(
        staff__user_id__in=list(user_ids), staff__archived_at__isnull=True
    ).values_list("staff__user_id", "post")
    for user_id, post in rows:
        out[user_id].add(post)
    return out


def missing_induction(user) -> list[str]:
    """The titles of the induction courses that apply to the person and are not passed."""
    courses_ = [c for c in _induction_refs() if c.applies_to(posts_of(user))]
    if not courses_ or staff_of(user) is None:
        return []
    passed = _passed_courses([user.pk], [c.pk for c in courses_]).get(user.pk, {})
    return [c.title for c in courses_ if c.pk not in passed]


def induction_block(user) -> str | None:
    """None if the person may work alone (be a ticket's owner, be on the phone roster
    alone); else a short reason in the active language naming the induction courses not
    yet passed. Always None when the regulation in force turns the gate off."""
    if not policy().induction_gate_enabled:
        return None
    missing = missing_induction(user)
    if not missing:
        return None
    return _("入职培训未通过:%(courses)s") % {"courses": "、".join(missing)}


def induction_blocked_ids(user_ids) -> set[int]:
    """The batch form of `induction_block` for pickers and rosters: of these users, the ids
    of those who may not work alone yet (two queries; none when the gate is off)."""
    user_ids = {int(pk) for pk in user_ids if pk is not None}
    courses_ = _induction_refs()
    if not user_ids or not courses_ or not policy().induction_gate_enabled:
        return set()
    posts = _posts_by_user(user_ids)
    passed = _passed_courses(posts.keys(), [c.pk for c in courses_])
    blocked = set()
    for user_id, their_posts in posts.items():
        mine = passed.get(user_id, {})
        if any(c.applies_to(their_posts) and c.pk not in mine for c in courses_):
            blocked.add(user_id)
    return blocked


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _day_start(day: dt.date) -> dt.datetime:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def due_trainings(user_ids, *, today: dt.date | None = None, soon_days: int | None = None):
    """{user_id: [DueItem]}: the mandatory courses each person has never passed (missing),
    whose renewal date has passed (expired), or comes within `soon_days` (due soon; the
    regulation's `training_reminder_days` by default). As of `today`: passes after it do
    not count."""
    today = today or timezone.localdate()
    if soon_days is None:
        soon_days = policy().training_reminder_days
    courses_ = _course_refs()
    user_ids = set(user_ids)
    if not courses_ or not user_ids:
        return {}
    posts = _posts_by_user(user_ids)
    passed = _passed_courses(
        posts.keys(), [c.pk for c in courses_], until=_day_start(today + dt.timedelta(days=1))
    )
    out: dict[int, list[DueItem]] = {}
    for user_id, their_posts in posts.items():
        items = []
        for course in courses_:
            if not course.applies_to(their_posts):
                continue
            last = passed.get(user_id, {}).get(course.pk)
            expires = None
            if last is None:
                state = DueState.MISSING
            elif course.recurrence_months:
                expires = _add_months(last, course.recurrence_months)
                if expires <= today:
                    state = DueState.EXPIRED
                elif expires <= today + dt.timedelta(days=soon_days):
                    state = DueState.DUE_SOON
                else:
                    continue
            else:
                continue
            items.append(DueItem(user_id, course.pk, course.title, state, last, expires))
        if items:
            out[user_id] = items
    return out


def due_for(user, *, today=None) -> list[DueItem]:
    """What the user may see is due: their people's (organisers, executives) or their own."""
    ids = list(people_of(user).values_list("user_id", flat=True))
    found = due_trainings(ids, today=today)
    return [item for user_id in sorted(found) for item in found[user_id]]


def my_due(user, *, today=None) -> list[DueItem]:
    if staff_of(user) is None:
        return []
    return due_trainings([user.pk], today=today).get(user.pk, [])


def training_summary(user_ids, start: dt.date, end: dt.date) -> dict[int, TrainingFigures]:
    """Each person's training in [start, end] (local days): hours credited, sessions
    attended of those they were enrolled in, exams taken and passed, and the mandatory
    courses overdue (missing or expired) at `end`. Every id in `user_ids` has an entry."""
    user_ids = {int(pk) for pk in user_ids}
    rows = (
        Attendance.objects.filter(
            user_id__in=list(user_ids),
            session__starts_at__gte=_day_start(start),
            session__starts_at__lt=_day_start(end + dt.timedelta(days=1)),
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .values_list("user_id", "attended", "hours", "score", "passed")
    )
    acc = {pk: [Decimal("0"), 0, 0, 0, 0] for pk in user_ids}
    for user_id, attended, hours, score, passed in rows:
        figures = acc[user_id]
        figures[2] += 1
        if attended:
            figures[0] += hours
            figures[1] += 1
        if score is not None:
            figures[3] += 1
            figures[4] += int(passed)
    due = due_trainings(user_ids, today=end, soon_days=0)
    overdue = {
        pk: sum(1 for item in items if item.state != DueState.DUE_SOON) for pk, items in due.items()
    }
    return {
        pk: TrainingFigures(
            hours=acc[pk][0],
            sessions_attended=acc[pk][1],
            sessions_required=acc[pk][2],
            exams_taken=acc[pk][3],
            exams_passed=acc[pk][4],
            mandatory_overdue=overdue.get(pk, 0),
        )
        for pk in user_ids
    }
