"""Demo training (`wuyedesk seed`, after the tickets): the three induction courses of MGT-4
(company culture, service processes, service skills) for specialists and assistants, a
regular mandatory course renewed every 12 months (MGT-5), the induction session every demo
specialist and assistant passed half a year ago, last year's refresher (due again soon for
one of them) and the next refresher, scheduled. Bounded and deterministic."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.training.models import Course
from wuyedesk.training.services import courses, sessions

INDUCTION = [
    ("企业文化", "公司发展历程、服务理念与员工行为规范。", "2", None),
    ("服务流程", "来电登记、咨询、报修、投诉的处理流程与时限,回访要求。", "4", 60),
    ("服务技巧", "接听礼仪、沟通与安抚技巧、投诉处理话术。", "4", 60),
]
REFRESHER = ("服务礼仪与投诉处理复训", "年度复训:服务礼仪、投诉处理案例研讨。", "3", 70)
TRAINED_POSTS = [Post.SPECIALIST, Post.ASSISTANT]


def _organiser():
    return (
        User.objects.filter(
            staff__posts__post=Post.MANAGER, staff__archived_at__isnull=True, is_active=True
        )
        .order_by("staff__employee_no")
        .first()
    )


def _at(days: int, hour: int = 14) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def _held(manager, course, people, days, scores):
    session = sessions.session_create(
        by=manager,
        course=course,
        starts_at=_at(days),
        trainer="人力资源部 王老师",
        place="公司三楼培训室",
        attendees=people,
    )
    sessions.session_record(
        by=manager,
        session=session,
        results=[
            {"user": u.pk, "attended": True, "score": scores[i] if course.has_exam else None}
            for i, u in enumerate(people)
        ],
    )


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Course.objects.exists():
        return {}  # seeded already
    manager = _organiser()
    if manager is None:
        return {}
    made = [
        courses.course_create(
            by=manager,
            title=title,
            kind="induction",
            description=text,
            hours=hours,
            pass_mark=mark,
            posts=TRAINED_POSTS,
            position=i,
        )
        for i, (title, text, hours, mark) in enumerate(INDUCTION)
    ]
    title, text, hours, mark = REFRESHER
    refresher = courses.course_create(
        by=manager,
        title=title,
        kind="regular",
        description=text,
        hours=hours,
        pass_mark=mark,
        posts=TRAINED_POSTS,
        recurrence_months=12,
    )
    people = list(
        User.objects.filter(
            staff__posts__post__in=TRAINED_POSTS,
            staff__archived_at__isnull=True,
            staff__department=manager.staff.department,
        )
        .distinct()
        .order_by("staff__employee_no")
    )
    scores = [78 + (seed + 7 * i) % 20 for i in range(len(people))]
    for day, course in zip((-190, -189, -188), made, strict=True):
        _held(manager, course, people, day, scores)
    # Last year's refresher: the first person took it earlier, so theirs is due again soon.
    if people:
        _held(manager, refresher, people[:1], -350, scores)
    if people[1:]:
        _held(manager, refresher, people[1:], -200, scores[1:])
    sessions.session_create(
        by=manager,
        course=refresher,
        starts_at=_at(10, 9),
        trainer="人力资源部 王老师",
        place="公司三楼培训室",
        attendees=people[:1],
    )
    return {"training courses": len(made) + 1, "trained staff": len(people)}
