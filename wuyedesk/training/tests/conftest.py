import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.testing import make_staff
from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)
from wuyedesk.training.services import courses, sessions


@pytest.fixture
def induction(world):
    """The three induction courses of MGT-4 for specialists and assistants: culture without
    an exam, processes and skills with a pass mark of 60."""
    made = []
    for position, (title, pass_mark) in enumerate(
        (("企业文化", None), ("服务流程", 60), ("服务技巧", 60))
    ):
        made.append(
            courses.course_create(
                by=world.manager,
                title=title,
                kind="induction",
                hours="4",
                pass_mark=pass_mark,
                posts=[Post.SPECIALIST, Post.ASSISTANT],
                position=position,
            )
        )
    return made


@pytest.fixture
def new_hire(world):
    kf = world.specialist.staff.department
    return make_staff("newhire", [Post.SPECIALIST], [world.a], kf, "新同事")


def _past(days=1):
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def held(world):
    """held(course, people, scores={user: score or None}, days_ago=1, attended=True) -> a
    past session of the course with its results recorded by the manager."""

    def run(course, people, scores=None, days_ago=1, attended=True):
        session = sessions.session_create(
            by=world.manager,
            course=course,
            starts_at=_past(days_ago),
            trainer="培训讲师",
            place="三楼会议室",
            attendees=people,
        )
        scores = scores or {}
        sessions.session_record(
            by=world.manager,
            session=session,
            results=[{"user": u.pk, "attended": attended, "score": scores.get(u)} for u in people],
        )
        return session

    return run


@pytest.fixture
def pass_induction(induction, held):
    def run(person):
        for course in induction:
            held(course, [person], {person: 80} if course.has_exam else None)

    return run
