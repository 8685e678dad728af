"""The induction gate on the phone roster (MGT-4 with MGT-1): someone who has not passed the
induction courses is not put on the phone line alone, and covers no hour of it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from wuyedesk.accounts.choices import Post
from wuyedesk.staffing import coverage, services
from wuyedesk.staffing.models import RosterEntry
from wuyedesk.testing import make_staff
from wuyedesk.training.services import courses


@pytest.fixture
def new_hire(world):
    courses.course_create(
        by=world.manager,
        title="服务流程",
        kind="induction",
        hours="4",
        pass_mark=None,
        posts=[Post.SPECIALIST],
        position=0,
    )
    kf = world.specialist.staff.department
    return make_staff("newhire", [Post.SPECIALIST], [world.a], kf, "新同事")


def test_not_on_the_phone_line_alone_until_inducted(world, rostered, day_shift, new_hire):
    day = dt.date(2026, 11, 2)
    while not coverage.is_working(day):
        day += dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        rostered(new_hire, day, duty="phone", community=None)
    assert error.value.error_dict["user"][0].code == "induction"
    assert "服务流程" in error.value.messages[0]
    assert not RosterEntry.objects.exists()
    # With a colleague free of the gate (the assistant's post has no induction course here)
    # on the same shift, the new hire may join the line; they alone cover nothing.
    companion = rostered(world.assistant, day, duty="phone", community=None)
    rostered(new_hire, day, duty="phone", community=None)
    department = world.specialist.staff.department_id
    before = coverage.gaps(department_id=department, community_id=None, start=day, end=day)
    services.roster_remove(by=world.manager, entry=companion)
    after = coverage.gaps(department_id=department, community_id=None, start=day, end=day)
    phone_hours = {g.at for g in after if g.duty == "phone"} - {
        g.at for g in before if g.duty == "phone"
    }
    # The hours the companion covered are gaps again, though the new hire is still rostered.
    assert phone_hours
    assert all(dt.time(9) <= at <= dt.time(16) for at in phone_hours)
    assert RosterEntry.objects.filter(user=new_hire, duty="phone").exists()


def test_roster_page_marks_who_is_not_inducted(client, world, rostered, new_hire):
    day = dt.date(2026, 11, 2)
    rostered(new_hire, day, duty="counter")
    client.force_login(world.manager)
    page = client.get("/staffing/roster/", {"start": "2026-11-02"}).content.decode()
    assert "新同事" in page and "未通过入职培训" in page
