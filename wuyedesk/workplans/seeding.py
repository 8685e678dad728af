"""Demo work plans and reports (`wuyedesk seed`, after the improvement items).

The story: the manager's plan for this month and this quarter, company-wide, with the
regulation's service targets (follow-up within the deadline at least 98 %, investigations
within the deadline at least 95 %, return visits, satisfaction, late recording, complaints
per 100 households) and a few initiatives; last month's work report drafted from the data,
commented by the assistant and approved. Bounded and deterministic.
"""

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.workplans import periods
from wuyedesk.workplans.models import WorkPlan
from wuyedesk.workplans.services import plans, reports

TARGETS = [
    ("follow_up_on_time", 98),
    ("investigation_on_time", 95),
    ("return_visit", 90),
    ("satisfied", 85),
    ("recorded_late", 5),
    ("complaints_per_100", 2),
]
INITIATIVES = [
    "开展首问负责制和回访话术培训",
    "每周例会通报超时工单并分析原因",
    "对迟登记较多的班组进行专项检查",
]
COMMENTARY = {
    "volumes": "报修量较上月有所上升,主要集中在给排水类。",
    "deadlines": "跟进按时率接近目标,个别夜间来电登记偏晚。",
    "complaints": "投诉以服务态度和维修时效为主,均已给出处理结果。",
    "satisfaction": "回访满意率保持稳定。",
}


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
    if WorkPlan.objects.exists():
        return {}
    manager = reports.company_drafter()
    if manager is None:
        return {}
    assistant = _person(Post.ASSISTANT) or manager
    specialist = _person(Post.SPECIALIST) or assistant
    today = timezone.localdate()
    made = []
    for period, title in (("month", "本月客服工作计划"), ("quarter", "本季度客服工作计划")):
        plan = plans.plan_create(by=manager, title=title, period=period, day=today)
        for metric, value in TARGETS:
            plans.target_set(by=manager, plan=plan, metric=metric, value=value)
        for i, text in enumerate(INITIATIVES if period == "quarter" else INITIATIVES[:1]):
            owner = (assistant, specialist, manager)[i % 3]
            plans.initiative_add(by=manager, plan=plan, text=text, owner=owner, due=plan.end)
        plans.plan_publish(by=manager, plan=plan)
        made.append(plan)
    # Last month's report: drafted here at once (the worker would), commented and approved.
    start, _end = periods.previous(periods.MONTH, today)
    report = reports.report_request(by=manager, cadence="monthly", day=start)
    reports.run_draft(report.pk, report.draft_requested_at.isoformat())
    report.refresh_from_db()
    reports.report_save(by=assistant, report=report, commentary=COMMENTARY)
    reports.report_submit(by=assistant, report=report)
    reports.report_approve(by=manager, report=report, remarks="同意,报送管理层。")
    return {"work plans": len(made), "work reports": 1}
