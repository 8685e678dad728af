"""Demo supervision group (`wuyedesk seed`, after the improvement plan).

The story: the manager appointed the demo supervisor to the group; the specialists'
checklist (version 2: a point was added after version 1); this month's plan sampled three
tickets of each specialist (seed 2026); one inspection closed with a critical fail, whose
rectification is with the specialist, who answered; an on-site check and a mystery call are
planned. Bounded (a handful of rows) and deterministic.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.supervision.choices import Kind, Result
from wuyedesk.supervision.models import GroupMember
from wuyedesk.supervision.services import group, inspections, sampling

ITEMS = [
    {"code": "KF-1", "text": "接听问候与礼貌用语", "weight": 20, "guidance": "三声内接听,先问好"},
    {"code": "KF-2", "text": "诉求记录完整准确", "weight": 30, "guidance": "地址、联系人齐全"},
    {"code": "KF-3", "text": "告知处理时限", "weight": 20, "guidance": "向客户说明时限"},
    {
        "code": "KF-4",
        "text": "按时限跟进与反馈",
        "weight": 30,
        "critical": True,
        "guidance": "不得超过制度时限",
    },
]
EXTRA = {"code": "KF-5", "text": "情绪安抚", "weight": 10, "guidance": "客户不满时先致歉再解释"}


def _person(post):
    return (
        User.objects.filter(
            staff__posts__post=post, staff__archived_at__isnull=True, is_active=True
        )
        .order_by("staff__employee_no")
        .first()
    )


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if GroupMember.objects.exists():
        return {}
    manager, supervisor = _person(Post.MANAGER), _person(Post.SUPERVISOR)
    if manager is None or supervisor is None:
        return {}
    group.member_appoint(by=manager, user=supervisor, remit="客服部服务质量检查与整改跟踪")
    group.checklist_save(by=manager, post=Post.SPECIALIST, title="客服专员服务检查表", items=ITEMS)
    group.checklist_save(
        by=manager,
        post=Post.SPECIALIST,
        title="客服专员服务检查表",
        items=[*ITEMS, EXTRA],
        note="增加情绪安抚",
    )
    plan = sampling.plan_create(
        by=supervisor,
        month=timezone.localdate(),
        tickets_per_person=3,
        calls_per_person=0,
        seed=2026 + seed,
    )
    plan.status = "sampling"
    plan.save(update_fields=["status"])
    sampling.sample(plan)  # in the seed command itself: no worker runs here
    made = plan.inspections.count()
    first = plan.inspections.order_by("pk").first()
    if first is not None:
        scores = [
            {
                "item": item.pk,
                "result": Result.FAIL if item.code == "KF-4" else Result.PASS,
                "evidence": "工单时间线" if item.code == "KF-4" else "",
                "comment": "跟进超过制度时限" if item.code == "KF-4" else "",
            }
            for item in first.checklist.items.all()
        ]
        inspections.score_save(by=supervisor, inspection=first, scores=scores)
        closed = inspections.inspection_close(by=supervisor, inspection=first)
        inspections.inspection_answer(
            by=closed.inspected, inspection=closed, text="已复盘,今后按时限跟进。"
        )
    specialist = _person(Post.SPECIALIST)
    if specialist is not None:
        inspections.inspection_create(by=supervisor, kind=Kind.ONSITE, person=specialist)
        inspections.inspection_create(
            by=supervisor,
            kind=Kind.MYSTERY,
            person=specialist,
            script="以业主身份来电咨询停水安排,观察问候、记录与时限告知。",
            planned_for=timezone.localdate() + dt.timedelta(days=3),
        )
        made += 2
    return {"inspections": made}
