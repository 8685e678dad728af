"""Demo improvement plan (`wuyedesk seed`, after the surveys' demo data).

The story: the first community's 环境卫生 score was a finding of an earlier quarter; an item
for the environment department followed it with progress updates and was verified effective
once the later quarter improved. Beside it: a few corrective measures of decided complaints
(one list), an overdue inspection item and a meeting decision due soon. Bounded (a handful of
rows) and deterministic.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.improvements.choices import ItemStatus, Source
from wuyedesk.improvements.models import ImprovementItem, ImprovementUpdate
from wuyedesk.improvements.services import item_from_measure
from wuyedesk.properties.models import Community, Department
from wuyedesk.reports.survey_analysis import confidence_z, item_effect
from wuyedesk.reports.survey_stats import change, ratings
from wuyedesk.surveys.models import Answer, Campaign, Dimension
from wuyedesk.tickets.models import CorrectiveMeasure, Ticket

MEASURES = [
    "对涉事员工进行服务规范培训,一个月内复查。",
    "调整维修派工流程,报修 24 小时内上门。",
    "增加地下车库照明巡检频次。",
]


def _person(post):
    return (
        User.objects.filter(
            staff__posts__post=post, staff__archived_at__isnull=True, is_active=True
        )
        .order_by("staff__employee_no")
        .first()
    )


def _aware(day: dt.date, hour=10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _update(item, by, at, text, status=""):
    return ImprovementUpdate(item=item, by=by, at=at, text=text, status=status)


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if ImprovementItem.objects.exists():
        return {}
    manager, assistant = _person(Post.MANAGER), _person(Post.ASSISTANT)
    if manager is None:
        return {}
    assistant = assistant or manager
    rng = random.Random(seed * 104729 + 11)  # noqa: S311  (demo data)
    today = timezone.localdate()
    now = timezone.now()
    updates: list[ImprovementUpdate] = []
    made = 0

    survey_item = _survey_item(manager, assistant, today, now, updates)
    made += survey_item is not None
    made += _complaint_items(manager, assistant, rng, today, updates)

    communities = list(Community.objects.filter(archived_at__isnull=True).order_by("code")[:2])
    departments = {d.code: d for d in Department.objects.all()}
    department = departments.get("ZX") or departments.get("GC")
    if communities and department is not None:
        overdue = ImprovementItem.objects.create(
            title="消防通道堆物清理",
            source=Source.INSPECTION,
            community=communities[-1],
            department=department,
            measures="清理 3 栋、5 栋消防通道堆放杂物,张贴告示,每周巡查一次。",
            due=today - dt.timedelta(days=5),
            status=ItemStatus.IN_PROGRESS,
            created_by=manager,
            created_at=now - dt.timedelta(days=20),
        )
        updates += [
            _update(overdue, manager, overdue.created_at, "检查发现,创建改进事项", "open"),
            _update(
                overdue,
                assistant,
                now - dt.timedelta(days=9),
                "已清理 3 栋,5 栋业主尚未搬离杂物。",
                ItemStatus.IN_PROGRESS,
            ),
        ]
        meeting = ImprovementItem.objects.create(
            title="客服前台接待礼仪统一培训",
            source=Source.MEETING,
            community=communities[0],
            department=departments.get("KF") or department,
            owner=assistant,
            measures="季度服务质量会议决定:全体客服专员参加接待礼仪培训并考核。",
            due=today + dt.timedelta(days=2),
            created_by=manager,
            created_at=now - dt.timedelta(days=6),
        )
        updates.append(
            _update(meeting, manager, meeting.created_at, "会议决定,创建改进事项", "open")
        )
        made += 2
    ImprovementUpdate.objects.bulk_create(updates)
    return {"improvement_items": made}


def _survey_item(manager, assistant, today, now, updates):
    """The item for the worse community's 环境卫生 finding, verified effective afterwards."""
    dimension = Dimension.objects.filter(code="cleaning").select_related("department").first()
    community = Community.objects.filter(archived_at__isnull=True).order_by("code").first()
    closed = list(Campaign.objects.filter(status="closed").order_by("period_start"))
    if dimension is None or community is None or len(closed) < 2:
        return None
    _confidence, z = confidence_z()

    def cell(campaign):
        values = Answer.objects.filter(
            response__campaign=campaign,
            response__community=community,
            question__dimension=dimension,
            value_int__isnull=False,
        ).values_list("value_int", flat=True)
        return ratings(list(values), z)

    # The last closed quarter that was low, followed by one that improved significantly.
    figures = [cell(c) for c in closed]
    pick = None
    for i in range(len(closed) - 1):
        moved = change(figures[i], figures[i + 1], z)
        if moved and moved["significant"] and moved["diff"] > 0:
            pick = i
    if pick is None:
        return None
    before, after = closed[pick], closed[pick + 1]
    department = dimension.department or Department.objects.order_by("code").first()
    start = before.period_end + dt.timedelta(days=5)
    item = ImprovementItem.objects.create(
        title=f"提升{community.name}环境卫生满意度",
        source=Source.SURVEY,
        campaign=before,
        dimension=dimension,
        community=community,
        department=department,
        owner=assistant,
        measures="楼道每日保洁两次;垃圾清运改为每日早晚两次;地下车库每周冲洗;"
        "增设保洁质量巡查表,由客服部每周抽查。",
        due=start + dt.timedelta(days=45),
        status=ItemStatus.EFFECTIVE,
        created_by=manager,
        created_at=_aware(start),
        done_at=_aware(start + dt.timedelta(days=40)),
        verified_by=manager,
    )
    effect = item_effect(manager, item)
    verified_on = min(after.period_end + dt.timedelta(days=7), today)
    item.verified_at = min(_aware(verified_on, 16), now)
    item.verification_note = (
        f"{after.quarter} 调查:{community.name}环境卫生满意率由 "
        f"{effect['before']['satisfied_r']}% 升至 {effect['after']['satisfied_r']}%,"
        f"变化 {effect['change_pct']} 个百分点,超过误差 ±{effect['margin_pct']},措施有效。"
    )
    item.save(update_fields=["verified_at", "verification_note"])
    updates += [
        _update(item, manager, item.created_at, f"来自 {before.quarter} 调查发现", "open"),
        _update(
            item,
            assistant,
            _aware(start + dt.timedelta(days=7)),
            "与环境部确认:保洁排班调整为早晚两班,新增两名保洁员。",
            ItemStatus.IN_PROGRESS,
        ),
        _update(
            item,
            assistant,
            _aware(start + dt.timedelta(days=21)),
            "垃圾清运改为每日两次;车库冲洗已执行两周。业主群反馈明显改善。",
        ),
        _update(item, assistant, item.done_at, "各项措施已落实,巡查表连续四周合格。", "done"),
        _update(item, manager, item.verified_at, item.verification_note, ItemStatus.EFFECTIVE),
    ]
    return item


def _complaint_items(manager, assistant, rng, today, updates) -> int:
    """Corrective measures of a few decided complaints, which join the one list."""
    tickets = list(
        Ticket.objects.filter(kind="complaint", decided_at__isnull=False, measures__isnull=True)
        .select_related("category__default_department", "department")
        .order_by("-id")[:3]  # newest first by the primary key: cheap at a million tickets
    )
    fallback = Department.objects.filter(code="GC").first() or Department.objects.first()
    made = 0
    for i, ticket in enumerate(tickets):
        department = ticket.category.default_department or ticket.department or fallback
        decided = timezone.localtime(ticket.decided_at).date()
        measure = CorrectiveMeasure.objects.create(
            ticket=ticket,
            what=MEASURES[i % len(MEASURES)],
            department=department,
            due=decided + dt.timedelta(days=14)
            if i == 0
            else max(decided, today) + dt.timedelta(days=5 + rng.randint(0, 10)),
            done_at=ticket.decided_at + dt.timedelta(days=5) if i == 0 else None,
        )
        item = item_from_measure(measure=measure, by=manager)
        ImprovementItem.objects.filter(pk=item.pk).update(created_at=ticket.decided_at)
        made += 1
    return made
