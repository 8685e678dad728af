"""The hire (#16 point 6, MGR-2): opening -> candidate -> interview -> offer -> hire creates the
staff account with the post, department and communities through the administrator's staff
write, and assigns the induction courses (training.services.assign_induction)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff, User
from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.recruitment import hiring, services
from wuyedesk.recruitment.choices import OpeningStatus, Stage
from wuyedesk.recruitment.tests.conftest import pdf
from wuyedesk.testing import assert_api_error, make_staff
from wuyedesk.training.models import Attendance
from wuyedesk.training.services import courses, sessions

PASSWORD = "Start-2026-kf"  # a test account's initial password


@pytest.fixture
def induction(world):
    """An induction course for specialists with a session planned next week."""
    course = courses.course_create(
        by=world.manager,
        title="服务流程",
        kind="induction",
        hours="4",
        pass_mark=60,
        posts=[Post.SPECIALIST],
        position=0,
    )
    session = sessions.session_create(
        by=world.manager,
        course=course,
        starts_at=timezone.now() + dt.timedelta(days=7),
        trainer="培训讲师",
        place="三楼会议室",
        attendees=[],
    )
    return session


def test_the_whole_path_creates_the_account_and_assigns_the_induction(world, induction):
    opening = services.opening_create(
        by=world.manager, title="客服专员", post="specialist", communities=[world.a.pk], headcount=1
    )
    candidate = services.candidate_create(
        by=world.manager,
        opening=opening,
        name="周新",
        phone="13799990000",
        source="referral",
        cv=pdf(),
    )
    services.stage_record(
        by=world.manager,
        candidate=candidate,
        stage="interview",
        note="表达清楚,有耐心",
        interviewer_id=world.manager.staff.pk,
        held_on=dt.date(2026, 12, 2),
    )
    services.offer_make(
        by=world.manager,
        candidate=candidate,
        offer_date=dt.date(2026, 12, 3),
        start_date=dt.date(2026, 12, 15),
    )
    staff = hiring.hire(
        by=world.manager,
        candidate=candidate,
        username="zhouxin",
        password=PASSWORD,
        employee_no="KF-101",
    )
    assert staff.name == "周新" and staff.employee_no == "KF-101"
    assert staff.post_list == ["specialist"]
    assert staff.department == world.manager.staff.department
    assert list(staff.communities.all()) == [world.a]
    assert staff.hire_date == dt.date(2026, 12, 15)
    assert staff.user.username == "zhouxin" and staff.user.is_active
    assert staff.user.check_password(PASSWORD)
    candidate.refresh_from_db()
    opening.refresh_from_db()
    assert candidate.stage == Stage.HIRED and candidate.staff == staff
    assert opening.status == OpeningStatus.FILLED
    assert Attendance.objects.filter(user=staff.user, session=induction).exists()
    created = AuditEntry.objects.get(
        action=AuditAction.CREATE, object_type="accounts.staff", object_id=staff.pk
    )
    assert created.actor == world.manager and created.details["candidate"] == candidate.pk
    assert PASSWORD not in str(created.changes) and PASSWORD not in str(created.details)
    assert list(candidate.records.values_list("stage", flat=True)) == [
        "screening",
        "interview",
        "offer",
        "hired",
    ]


def test_a_taken_username_or_employee_number_changes_nothing(world, offered):
    for data, field in (
        ({"username": "manager", "employee_no": "KF-102"}, "username"),
        ({"username": "newone", "employee_no": "T-manager"}, "employee_no"),
        ({"username": "bad name!", "employee_no": "KF-103"}, "username"),
    ):
        with pytest.raises(ValidationError) as error:
            hiring.hire(by=world.manager, candidate=offered, password=PASSWORD, **data)
        assert field in error.value.error_dict
    offered.refresh_from_db()
    assert offered.stage == Stage.OFFER and offered.staff is None
    assert not User.objects.filter(username="newone").exists()


def test_only_the_recruiting_manager_hires_and_only_after_an_offer(world, candidate, offered):
    other = make_staff("gc-manager", [Post.MANAGER], [world.a], world.engineering, "工程经理")
    with pytest.raises(PermissionDenied):
        hiring.hire(by=other, candidate=offered, username="x1", password=PASSWORD, employee_no="X1")
    with pytest.raises(PermissionDenied):
        hiring.hire(
            by=world.admin, candidate=offered, username="x1", password=PASSWORD, employee_no="X1"
        )
    fresh = services.candidate_create(
        by=world.manager, opening=offered.opening, name="吴九", phone="13788889999", source="other"
    )
    with pytest.raises(ValidationError) as error:
        hiring.hire(
            by=world.manager, candidate=fresh, username="x2", password=PASSWORD, employee_no="X2"
        )
    assert error.value.error_dict["stage"][0].code == "invalid_move"
    assert not Staff.objects.filter(employee_no__in=["X1", "X2"]).exists()


def test_staff_hire_refuses_posts_a_manager_does_not_give(world):
    from wuyedesk.accounts.services import staff_hire
    from wuyedesk.properties.forms import StaffForm

    form = StaffForm(
        data={
            "username": "boss",
            "password": PASSWORD,
            "name": "老板",
            "employee_no": "B-1",
            "posts": ["admin"],
            "communities": [world.a.pk],
        },
        user=world.manager,
    )
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionDenied):
        staff_hire(by=world.manager, form=form)
    with pytest.raises(PermissionDenied):
        staff_hire(by=world.specialist, form=form)
    assert not User.objects.filter(username="boss").exists()


def test_the_hire_page_keeps_the_form_on_a_taken_username(world, client_as, offered, induction):
    client = client_as(world.manager)
    url = f"/recruitment/candidates/{offered.pk}/"
    page = client.get(url).content.decode()
    assert "candidate-hire-form" in page
    bad = client.post(
        url + "hire/", {"username": "manager", "password": PASSWORD, "employee_no": "KF-201"}
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "该用户名已被使用" in body and "KF-201" in body
    assert PASSWORD not in body  # the password is never written back into the page
    ok = client.post(
        url + "hire/", {"username": "zhangsan", "password": PASSWORD, "employee_no": "KF-201"}
    )
    assert ok.status_code == 302
    offered.refresh_from_db()
    assert offered.staff.user.username == "zhangsan"
    assert Attendance.objects.filter(user=offered.staff.user, session=induction).exists()


def test_the_hire_api(world, api_as, offered, induction):
    api = api_as(world.manager)
    url = f"/api/v1/recruitment/candidates/{offered.pk}/hire"
    assert_api_error(
        api.post(url, {"username": "manager", "password": PASSWORD, "employee_no": "KF-301"}),
        422,
        "unique",
        "username",
    )
    assert_api_error(
        api.post(url, {"username": "lisi", "employee_no": "KF-301"}), 422, "missing", "password"
    )
    assert_api_error(
        api_as(world.executive).post(
            url, {"username": "lisi", "password": PASSWORD, "employee_no": "KF-301"}
        ),
        403,
        "permission_denied",
    )
    ok = api.post(url, {"username": "lisi", "password": PASSWORD, "employee_no": "KF-301"})
    assert ok.status_code == 201, ok.content
    body = ok.json()
    assert body["username"] == "lisi" and body["candidate"]["stage"] == "hired"
    assert PASSWORD not in ok.content.decode()
    assert Staff.objects.get(pk=body["staff_id"]).post_list == ["specialist"]
