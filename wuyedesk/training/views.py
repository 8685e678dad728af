"""Pages of training (MGT-4, MGT-5): courses and sessions (organisers: the manager, the
assistant), each person's training record and the trainings due."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuyedesk.accounts.decorators import staff_passes_test, staff_required
from wuyedesk.core.form_errors import add_service_error
from wuyedesk.training import selectors
from wuyedesk.training.choices import SessionStatus
from wuyedesk.training.forms import CourseForm, EnrolForm, ResultsForm, SessionForm
from wuyedesk.training.services import courses as course_services
from wuyedesk.training.services import sessions as session_services

INVALID = _("请更正下面标出的错误,内容尚未保存。")


@staff_required
def training_home(request):
    """Courses, upcoming sessions (organisers: every session), what is due."""
    user = request.user
    organiser = selectors.may_organise(user)
    past = None
    if organiser or selectors.sees_everyone(user):
        past = (
            selectors.sessions_visible_to(user)
            .filter(starts_at__lt=timezone.now())
            .order_by("-starts_at", "-id")[:30]
        )
    return render(
        request,
        "training/home.html",
        {
            "courses": selectors.courses(include_archived=organiser),
            "upcoming": selectors.upcoming_sessions(user)[:30],
            "past": past,
            "may_organise": organiser,
            "due_count": len(selectors.due_for(user)),
            "my_due_count": len(selectors.my_due(user)),
            "title": _("培训"),
        },
    )


def _course_values(form) -> dict:
    return dict(form.cleaned_data)


@staff_passes_test(selectors.may_organise)
def course_create(request):
    user = request.user
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                course = course_services.course_create(by=user, **_course_values(form))
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("课程已创建。"))
                return redirect("training_course", pk=course.pk)
        messages.error(request, INVALID)
    return render(
        request,
        "training/course_form.html",
        {"form": form, "title": _("新建培训课程")},
        status=422 if form.errors else 200,
    )


@staff_required
def course_detail(request, pk):
    user = request.user
    course = selectors.course_get(user, pk)
    organiser = selectors.may_organise(user)
    form = CourseForm.for_course(course, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not organiser:  # reading is everyone's, changing the organisers'
            raise PermissionDenied
        action = request.POST.get("action", "save")
        try:
            if action in ("archive", "restore"):
                course_services.course_archive(by=user, course=course, restore=action == "restore")
                messages.success(request, _("已保存。"))
                return redirect("training_course", pk=course.pk)
            if form.is_valid():
                course_services.course_update(by=user, course=course, **_course_values(form))
                messages.success(request, _("已保存。"))
                return redirect("training_course", pk=course.pk)
        except ValidationError as error:
            add_service_error(form, error)
        messages.error(request, INVALID)
    sessions = selectors.sessions_visible_to(user).filter(course=course).order_by("-starts_at")
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "form": form if organiser else None,
            "sessions": sessions[:50],
            "may_organise": organiser,
            "title": course.title,
        },
        status=422 if form.errors else 200,
    )


@staff_passes_test(selectors.may_organise)
def session_create(request):
    user = request.user
    initial = {"course": request.GET.get("course")} if request.GET.get("course") else None
    form = SessionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = session_services.session_create(
                    by=user,
                    course=data["course"],
                    starts_at=data["starts_at"],
                    hours=data["hours"],
                    trainer=data["trainer"],
                    place=data["place"],
                    notes=data["notes"],
                    attendees=data["attendees"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("培训已安排。"))
                return redirect("training_session", pk=session.pk)
        messages.error(request, INVALID)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "title": _("安排培训")},
        status=422 if form.errors else 200,
    )


def _session_page(request, session, *, enrol_form=None, results_form=None, status=200):
    user = request.user
    organiser = selectors.may_organise(user)
    rows = list(selectors.attendees_of(session))
    if not organiser and not selectors.sees_everyone(user):
        rows = [row for row in rows if row.user_id == user.pk]
    is_open = session.status != SessionStatus.CANCELLED
    started = session.starts_at <= timezone.now()
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "may_organise": organiser and is_open,
            "enrol_form": enrol_form
            or (EnrolForm(user=user, session=session) if organiser else None),
            "results_form": results_form
            or (
                ResultsForm(rows=rows, has_exam=session.course.has_exam)
                if organiser and is_open and started and rows
                else None
            ),
            "may_cancel": organiser and session.status == SessionStatus.PLANNED,
            "title": str(session.course),
        },
        status=status,
    )


@staff_required
def session_detail(request, pk):
    return _session_page(request, selectors.session_get(request.user, pk))


@staff_required
@require_POST
def session_action(request, pk, action):
    user = request.user
    session = selectors.session_get(user, pk)
    if not selectors.may_organise(user):  # after the lookup: an unseen session is a 404
        raise PermissionDenied
    try:
        if action == "enrol":
            form = EnrolForm(request.POST, user=user, session=session)
            if not form.is_valid():
                messages.error(request, INVALID)
                return _session_page(request, session, enrol_form=form, status=422)
            session_services.session_enrol(
                by=user, session=session, users=form.cleaned_data["attendees"]
            )
        elif action == "results":
            rows = list(selectors.attendees_of(session))
            form = ResultsForm(request.POST, rows=rows, has_exam=session.course.has_exam)
            if not form.is_valid():
                messages.error(request, INVALID)
                return _session_page(request, session, results_form=form, status=422)
            try:
                session_services.session_record(by=user, session=session, results=form.results())
            except ValidationError as error:
                add_service_error(form, error)
                messages.error(request, INVALID)
                return _session_page(request, session, results_form=form, status=422)
        elif action == "remove":
            session_services.session_unenrol(
                by=user, session=session, user_id=_int(request.POST.get("user"))
            )
        elif action == "cancel":
            session_services.session_cancel(by=user, session=session)
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已保存。"))
    return redirect("training_session", pk=session.pk)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@staff_required
def record_list(request):
    """The people whose record the user may read, with this year's figures; a person who
    reads only their own goes straight to it."""
    user = request.user
    people = list(selectors.people_of(user).order_by("employee_no"))
    if len(people) == 1 and people[0].user_id == user.pk:
        return redirect("training_record", person=user.pk)
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    figures = selectors.training_summary([p.user_id for p in people], start, today)
    return render(
        request,
        "training/record_list.html",
        {
            "rows": [(p, figures[p.user_id]) for p in people],
            "start": start,
            "end": today,
            "title": _("培训档案"),
        },
    )


@staff_required
def record_detail(request, person):
    user = request.user
    staff = selectors.record_person(user, person)
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    return render(
        request,
        "training/record_detail.html",
        {
            "person": staff,
            "rows": selectors.record_of(staff.user_id),
            "due": selectors.due_trainings([staff.user_id]).get(staff.user_id, []),
            "figures": selectors.training_summary([staff.user_id], start, today)[staff.user_id],
            "start": start,
            "end": today,
            "induction_block": selectors.induction_block(staff.user),
            "title": _("%(name)s的培训档案") % {"name": staff.name},
        },
    )


@staff_required
def due_list(request):
    """The mandatory trainings due: of the user's people (organisers, executives), or their
    own (`?mine=1`, and for everyone else)."""
    user = request.user
    mine = request.GET.get("mine") == "1"
    items = selectors.my_due(user) if mine else selectors.due_for(user)
    names = dict(
        selectors.people_of(user)
        .filter(user_id__in={i.user_id for i in items})
        .values_list("user_id", "name")
    )
    return render(
        request,
        "training/due_list.html",
        {
            "rows": [(names.get(i.user_id, ""), i) for i in items],
            "mine": mine,
            "title": _("待完成的必修培训"),
        },
    )
