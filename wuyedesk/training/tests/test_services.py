import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.notifications.models import Notification
from wuyedesk.training import selectors
from wuyedesk.training.models import Attendance, Course, Session
from wuyedesk.training.services import assign_induction, courses, sessions


def test_only_organisers_create_courses(world):
    for person in (world.specialist, world.executive, world.admin, world.resident):
        with pytest.raises(PermissionDenied):
            courses.course_create(by=person, title="礼仪", kind="regular", hours="2")
    made = courses.course_create(by=world.assistant, title="礼仪", kind="regular", hours="2")
    assert AuditEntry.objects.filter(object_id=str(made.pk), action="create").exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "other"}, "kind"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"pass_mark": "101"}, "pass_mark"),
        ({"posts": ["admin"]}, "posts"),
        ({"kind": "induction", "recurrence_months": 12}, "recurrence_months"),
        ({"mandatory": False, "recurrence_months": 12}, "recurrence_months"),
        ({"kind": "induction", "mandatory": False}, "mandatory"),
    ],
)
def test_bad_course_input_names_its_field_and_writes_nothing(world, values, field):
    data = {"title": "礼仪", "kind": "regular", "hours": "2"} | values
    with pytest.raises(ValidationError) as error:
        courses.course_create(by=world.manager, **data)
    assert field in error.value.message_dict
    assert not Course.objects.exists()


def test_results_pass_by_the_pass_mark_and_credit_hours(world, held):
    course = courses.course_create(
        by=world.manager, title="投诉处理", kind="regular", hours="3", pass_mark=70
    )
    people = [world.specialist, world.assistant]
    session = held(course, people, {world.specialist: 70, world.assistant: 69})

    rows = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    assert rows[world.specialist.pk].passed and rows[world.specialist.pk].hours == Decimal("3")
    assert not rows[world.assistant.pk].passed
    assert Session.objects.get(pk=session.pk).status == "recorded"


def test_bad_results_change_nothing(world):
    course = courses.course_create(by=world.manager, title="礼仪", kind="regular", hours="2")
    session = sessions.session_create(
        by=world.manager,
        course=course,
        starts_at=timezone.now() - dt.timedelta(hours=3),
        trainer="讲师",
        place="会议室",
        attendees=[world.specialist],
    )
    bad = [
        [{"user": world.specialist.pk, "attended": True, "score": 80}],  # no exam
        [{"user": world.specialist_b.pk, "attended": True}],  # not enrolled
        [{"user": world.specialist.pk, "attended": "yes"}],
    ]
    for results in bad:
        with pytest.raises(ValidationError):
            sessions.session_record(by=world.manager, session=session, results=results)
    assert Attendance.objects.get(session=session).attended is None


def test_organisers_enrol_only_their_own_department(world):
    course = courses.course_create(by=world.manager, title="礼仪", kind="regular", hours="2")
    with pytest.raises(ValidationError) as error:
        sessions.session_create(
            by=world.manager,
            course=course,
            starts_at=timezone.now() + dt.timedelta(days=2),
            trainer="讲师",
            place="会议室",
            attendees=[world.worker],  # engineering, not the manager's department
        )
    assert "attendees" in error.value.message_dict


def test_enrolment_tells_the_person(world, django_capture_on_commit_callbacks):
    course = courses.course_create(by=world.manager, title="礼仪", kind="regular", hours="2")
    with django_capture_on_commit_callbacks(execute=True):
        sessions.session_create(
            by=world.manager,
            course=course,
            starts_at=timezone.now() + dt.timedelta(days=2),
            trainer="讲师",
            place="会议室",
            attendees=[world.specialist],
        )
    notice = Notification.objects.get(user=world.specialist)
    assert "礼仪" in notice.text and notice.kind == "training"


def test_assign_induction_enrols_in_the_next_sessions(world, induction, new_hire):
    soon = timezone.now() + dt.timedelta(days=3)
    later = sessions.session_create(
        by=world.manager,
        course=induction[0],
        starts_at=soon + dt.timedelta(days=7),
        trainer="讲师",
        place="会议室",
    )
    first = sessions.session_create(
        by=world.manager, course=induction[0], starts_at=soon, trainer="讲师", place="会议室"
    )

    made = assign_induction(by=world.manager, staff=new_hire.staff)

    assert [row.session_id for row in made] == [first.pk]
    assert not Attendance.objects.filter(session=later).exists()
    due = {item.course_title: item.state for item in selectors.my_due(new_hire)}
    assert due == {"企业文化": "missing", "服务流程": "missing", "服务技巧": "missing"}
    with pytest.raises(PermissionDenied):
        assign_induction(by=world.specialist, staff=new_hire.staff)


def test_training_summary_counts_the_period(world, induction, held):
    regular = courses.course_create(
        by=world.manager,
        title="服务礼仪复训",
        kind="regular",
        hours="2",
        pass_mark=60,
        recurrence_months=12,
    )
    person = world.specialist
    held(induction[0], [person], days_ago=400)  # before the period
    held(induction[1], [person], {person: 80}, days_ago=10)
    held(induction[2], [person], {person: 50}, days_ago=9)
    held(regular, [person], attended=False, days_ago=8)
    today = timezone.localdate()

    figures = selectors.training_summary(
        [person.pk, world.assistant.pk], today - dt.timedelta(days=30), today
    )

    assert figures[person.pk] == selectors.TrainingFigures(
        hours=Decimal("8.0"),
        sessions_attended=2,
        sessions_required=3,
        exams_taken=2,
        exams_passed=1,
        mandatory_overdue=2,  # skills not passed, the regular course never passed
    )
    assert figures[world.assistant.pk].mandatory_overdue == 4


def test_a_recurring_course_expires(world, held):
    regular = courses.course_create(
        by=world.manager,
        title="消防安全",
        kind="regular",
        hours="2",
        recurrence_months=12,
        posts=["specialist"],
    )
    held(regular, [world.specialist], days_ago=370)
    (item,) = selectors.my_due(world.specialist)
    assert item.state == "expired"
    held(regular, [world.specialist], days_ago=340)  # expires in 25 days: within 30
    (item,) = selectors.my_due(world.specialist)
    assert item.state == "due_soon"
    assert selectors.my_due(world.manager) == []  # not the manager's post


def test_reminders_tell_each_person_once_and_the_organisers(
    world, induction, pass_induction, django_capture_on_commit_callbacks
):
    from wuyedesk.training.services.reminders import remind_due

    pass_induction(world.specialist)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_due() == 6  # the assistant's and specialist_b's three courses
    with django_capture_on_commit_callbacks(execute=True):
        remind_due()

    mine = Notification.objects.filter(user=world.assistant, kind="training")
    texts = sorted(n.text for n in mine)
    assert len(texts) == 4  # three courses, and the department's count (an organiser)
    assert "必修培训「服务流程」尚未完成,请参加培训。" in texts
    assert (
        not Notification.objects.filter(user=world.specialist, kind="training")
        .exclude(text__contains="报名")
        .exists()
    )
    assert Notification.objects.get(user=world.manager, kind="training").text == (
        "本部门有 3 项必修培训待完成。"  # the assistant's; specialist_b is of community B
    )
