"""Sessions (MGT-4, MGT-5): an organiser (the manager, the assistant) schedules a session of
a course (when, trainer, place, hours), enrols their people, and afterwards records each
attendee's attendance and exam score. Passed = attended and, for a course with an exam,
score >= the course's pass mark."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import posts_of, staff_of
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.lib.messages import Msg
from wuyedesk.training import selectors, signals
from wuyedesk.training.choices import CourseKind, SessionStatus
from wuyedesk.training.models import Attendance, Course, Session
from wuyedesk.training.services.common import hours_value, invalid, require_organiser, text_value


def _link(session) -> str:
    return reverse("training_session", kwargs={"pk": session.pk})


def _lock(session) -> Session:
    return Session.objects.select_for_update().get(pk=session.pk)


def _require_open(session) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise invalid("session", _("该场培训已取消。"), "invalid_state")


def _people(by, users) -> list:
    """The users, each one of the organiser's people (their department's active staff)."""
    wanted = {getattr(u, "pk", u) for u in users if u is not None and u != ""}
    try:
        wanted = {int(pk) for pk in wanted}
    except (TypeError, ValueError):
        raise invalid("attendees", _("找不到该员工,或不能选择该员工。"), "invalid_choice") from None
    found = {s.user_id: s.user for s in selectors.people_of(by).filter(user_id__in=wanted)}
    if set(found) != wanted:
        raise invalid("attendees", _("找不到该员工,或不能选择该员工。"), "invalid_choice")
    return [found[pk] for pk in sorted(found)]


def _notify_enrolled(session, users) -> None:
    when = timezone.localtime(session.starts_at)
    signals.send_notice(
        users=users,
        kind="training",
        text=Msg(
            gettext_noop("您已报名培训「%(course)s」:%(when)s,%(place)s"),
            course=session.course.title,
            when=f"{when:%Y-%m-%d %H:%M}",
            place=session.place,
        ),
        link=_link(session),
        key=f"training-enrol:{session.pk}:{when:%Y%m%d%H%M}",
    )


@transaction.atomic
def session_create(
    *, by, course, starts_at, trainer, place, hours=None, notes="", attendees=()
) -> Session:
    require_organiser(by)
    if course is None or not isinstance(course, Course):
        raise invalid("course", _("请选择课程。"), "required")
    if course.archived_at is not None:
        raise invalid("course", _("该课程已停用。"))
    if not isinstance(starts_at, dt.datetime):
        raise invalid("starts_at", _("请填写开始时间。"), "required")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    session = Session.objects.create(
        course=course,
        starts_at=starts_at,
        hours=course.hours if hours in (None, "") else hours_value(hours),
        trainer=text_value(trainer, "trainer", max_length=60, message=_("请填写讲师。")),
        place=text_value(place, "place", max_length=100, message=_("请填写培训地点。")),
        notes=(notes or "").strip(),
        created_by=by,
    )
    people = _people(by, attendees)
    Attendance.objects.bulk_create(
        [Attendance(session=session, user=u, enrolled_by=by) for u in people]
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=session,
        changes={
            "course": [None, course.title],
            "starts_at": [None, starts_at.isoformat()],
            "attendees": [None, [u.pk for u in people]],
        },
    )
    if starts_at > timezone.now():
        _notify_enrolled(session, people)
    return session


@transaction.atomic
def session_enrol(*, by, session, users) -> list[Attendance]:
    """Add attendees (people already enrolled are left as they are)."""
    require_organiser(by)
    session = _lock(session)
    _require_open(session)
    people = _people(by, users)
    if not people:
        raise invalid("attendees", _("请选择参加人员。"), "required")
    have = set(Attendance.objects.filter(session=session).values_list("user_id", flat=True))
    new = [u for u in people if u.pk not in have]
    made = Attendance.objects.bulk_create(
        [Attendance(session=session, user=u, enrolled_by=by) for u in new]
    )
    versions.bump(selectors.VERSION)  # the homes' training due (bulk_create sends no signal)
    if new:
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=session,
            changes={"attendees+": [None, [u.pk for u in new]]},
        )
        if session.starts_at > timezone.now():
            _notify_enrolled(session, new)
    return made


@transaction.atomic
def session_unenrol(*, by, session, user_id: int) -> None:
    require_organiser(by)
    session = _lock(session)
    _require_open(session)
    row = Attendance.objects.filter(session=session, user_id=user_id).first()
    if row is None or not selectors.people_of(by).filter(user_id=user_id).exists():
        raise invalid("user", _("该员工未报名此场培训。"), "invalid_choice")
    if row.attended is not None:
        raise invalid("user", _("已登记结果的人员不能移出,请修改其出勤。"), "invalid_state")
    row.delete()
    audit_record(
        actor=by, action=AuditAction.UPDATE, obj=session, changes={"attendees-": [user_id, None]}
    )


@transaction.atomic
def session_cancel(*, by, session) -> Session:
    require_organiser(by)
    session = _lock(session)
    _require_open(session)
    if session.status == SessionStatus.RECORDED:
        raise invalid("session", _("已登记结果的培训不能取消。"), "invalid_state")
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=session,
        changes={"status": [SessionStatus.PLANNED, SessionStatus.CANCELLED]},
    )
    return session


def _result(course, row: dict):
    attended = row.get("attended")
    if not isinstance(attended, bool):
        raise invalid("attended", _("请为每位参加人员登记是否出勤。"), "required")
    score = row.get("score")
    if score in ("", None):
        score = None
    else:
        try:
            score = int(score)
        except (TypeError, ValueError):
            raise invalid("score", _("考试成绩须为 0 到 100 的整数。")) from None
        if not 0 <= score <= 100:
            raise invalid("score", _("考试成绩须为 0 到 100 的整数。"))
        if not course.has_exam:
            raise invalid("score", _("该课程没有考试,不登记成绩。"))
        if not attended:
            raise invalid("score", _("缺勤人员不能登记考试成绩。"))
    if course.has_exam:
        passed = attended and score is not None and score >= course.pass_mark
    else:
        passed = attended
    return attended, score, passed


@transaction.atomic
def session_record(*, by, session, results) -> Session:
    """Record (or correct) the results: `results` is a list of {"user": id, "attended":
    bool, "score": int or None}, one per attendee named. Hours credited are the session's
    for those who attended. The session must have started."""
    require_organiser(by)
    session = _lock(session)
    _require_open(session)
    if session.starts_at > timezone.now():
        raise invalid("session", _("培训尚未开始,不能登记结果。"), "invalid_state")
    rows = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    people = set(selectors.people_of(by).values_list("user_id", flat=True))
    if not results:
        raise invalid("results", _("请登记参加人员的出勤和成绩。"), "required")
    course, changes, seen = session.course, {}, set()
    for row in results:
        try:
            user_id = int(row.get("user"))
        except (TypeError, ValueError):
            raise invalid("user", _("该员工未报名此场培训。"), "invalid_choice") from None
        if user_id not in rows or user_id not in people or user_id in seen:
            raise invalid("user", _("该员工未报名此场培训。"), "invalid_choice")
        seen.add(user_id)
        attended, score, passed = _result(course, row)
        item = rows[user_id]
        before = [item.attended, item.score, item.passed]
        item.attended, item.score, item.passed = attended, score, passed
        item.hours = session.hours if attended else 0
        item.save(update_fields=["attended", "score", "passed", "hours"])
        if before != [attended, score, passed]:
            changes[f"result:{user_id}"] = [before, [attended, score, passed]]
    before_status = session.status
    session.status, session.recorded_at, session.recorded_by = (
        SessionStatus.RECORDED,
        timezone.now(),
        by,
    )
    session.save(update_fields=["status", "recorded_at", "recorded_by"])
    if before_status != session.status:
        changes["status"] = [before_status, session.status]
    audit_record(actor=by, action=AuditAction.UPDATE, obj=session, changes=changes)
    return session


@transaction.atomic
def assign_induction(*, by, staff) -> list[Attendance]:
    """Assign a new hire the induction courses (MGT-4; recruitment calls this when hiring).

    `by` must organise training (the manager or the assistant). For each active mandatory
    induction course that applies to one of the person's posts and that they have not passed,
    the person is enrolled in the next session of that course not yet started (and told so);
    the enrolment rows are returned. A course with no session scheduled yet is not lost: it
    shows as missing in the person's and the organisers' "trainings due" (it is due by the
    person's posts, no row needed) until a session is scheduled and passed, and the
    induction gate holds the person until then."""
    require_organiser(by)
    user = getattr(staff, "user", None)
    if user is None or staff_of(user) is None:
        raise invalid("staff", _("找不到该员工,或不能选择该员工。"), "invalid_choice")
    posts = posts_of(user)
    due = [
        c
        for c in Course.objects.filter(
            kind=CourseKind.INDUCTION, mandatory=True, archived_at__isnull=True
        ).order_by("position", "id")
        if c.applies_to(posts)
    ]
    passed = set(
        Attendance.objects.filter(user=user, passed=True, session__course__in=due).values_list(
            "session__course_id", flat=True
        )
    )
    now, made = timezone.now(), []
    for course in due:
        if course.pk in passed:
            continue
        session = (
            Session.objects.filter(course=course, status=SessionStatus.PLANNED, starts_at__gt=now)
            .order_by("starts_at", "id")
            .first()
        )
        if session is None:
            continue
        row, created = Attendance.objects.get_or_create(
            session=session, user=user, defaults={"enrolled_by": by}
        )
        made.append(row)
        if created:
            _notify_enrolled(session, [user])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=user,
        changes={"induction": [None, [row.session_id for row in made]]},
    )
    return made
