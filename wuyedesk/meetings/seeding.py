"""Demo meetings (`wuyedesk seed`, after the improvement plan): the customer-service
department's weekly meeting, three past sittings with approved minutes (one action item done,
one still open and so carried on), the next sitting scheduled with its proposed agenda, one
decision made an improvement item, and a notice to the department half read. Built through
the services, as users build them; bounded and deterministic."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.meetings import notices, services
from wuyedesk.meetings.models import MeetingSeries
from wuyedesk.properties.models import Department

DISCUSSIONS = [
    "通报上周投诉处理情况,讨论回访不及时的原因。",
    "复盘电梯停运事件的处置,讨论对住户的告知方式。",
    "分析满意度调查中环境卫生得分偏低的原因。",
]
DECISIONS = [
    ["回访记录每周由经理抽查一次。"],
    ["突发事件 30 分钟内在业主平台发布公告。"],
    ["与保洁部门共同制定楼道清洁检查表。"],
]
ACTIONS = ["整理上周未回访名单并逐一回访。", "修订突发事件告知模板。", "统计各楼栋保洁投诉数量。"]


def _person(post):
    return (
        User.objects.filter(
            staff__posts__post=post, staff__archived_at__isnull=True, is_active=True
        )
        .select_related("staff")
        .order_by("staff__employee_no")
        .first()
    )


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if MeetingSeries.objects.exists():
        return {}
    manager, assistant = _person(Post.MANAGER), _person(Post.ASSISTANT)
    specialist = _person(Post.SPECIALIST)
    if not (manager and assistant and specialist) or manager.staff.department_id is None:
        return {}
    if assistant.staff.department_id != manager.staff.department_id:
        return {}
    people = [manager, assistant, specialist]
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    series = services.series_create(
        by=manager,
        title="客服部周例会",
        weekday=0,
        start_time=dt.time(9, 0),
        duration_minutes=60,
        attendees=people,
        location="客服中心会议室",
    )
    made = 0
    for weeks_ago, (discussion, decisions, action) in zip(
        (3, 2, 1), zip(DISCUSSIONS, DECISIONS, ACTIONS, strict=True), strict=True
    ):
        day = monday - dt.timedelta(weeks=weeks_ago)
        meeting = services.meeting_create(
            by=manager,
            title=f"{series.title} {day:%Y-%m-%d}",
            starts_at=timezone.make_aware(dt.datetime.combine(day, series.start_time)),
            duration_minutes=series.duration_minutes,
            attendees=people,
            location=series.location,
            series=series,
        )
        services.attendance_record(
            by=assistant,
            meeting=meeting,
            marks={
                u.pk: ("excused" if (u.pk + weeks_ago + seed) % 5 == 0 else "present")
                for u in people
            },
        )
        services.minutes_save(
            by=assistant, meeting=meeting, discussion=discussion, decisions=decisions
        )
        services.action_add(
            by=assistant,
            meeting=meeting,
            title=action,
            owner=specialist,
            due=day + dt.timedelta(days=7),
        )
        services.minutes_submit(by=assistant, meeting=meeting)
        services.minutes_approve(by=manager, meeting=meeting)
        made += 1
        if weeks_ago == 3:  # the oldest action item was done; the others are carried on
            services.action_done(by=specialist, action=meeting.actions.get(), note="已完成")
    department = Department.objects.filter(code__in=("ZX", "GC")).order_by("-code").first()
    if department is not None:
        services.decision_to_improvement(
            by=manager,
            decision=meeting.decisions.first(),
            department=department,
            due=today + dt.timedelta(days=30),
        )
    services.series_schedule_next(by=manager, series=series)
    notice = notices.notice_create(
        by=manager,
        title="本周五下午消防演练",
        body="请各岗位于周五 15:00 到一楼大厅集合,演练期间电话由值班专员接听。",
        department=manager.staff.department,
    )
    for receipt in notice.recipients.order_by("id")[::2]:
        notices.notice_read(by=receipt.user, notice=notice)
    return {"meetings": made + 1, "notices": 1}
