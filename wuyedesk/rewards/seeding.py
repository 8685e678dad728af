"""Demo rewards and penalties (`wuyedesk seed`, after the appraisal).

The story: the manager commended a specialist for a quarter without complaints (approved,
in effect, the specialist notified), proposed a bonus for the same specialist (a reward
waiting for the manager's approval, then the executive's) and a warning for another who
missed return visits (waiting too); and asked for the proposals of the published appraisal
results (the regulation's top band: a commendation; the failing band: a warning), which
wait as well. Bounded and deterministic."""

from django.db import transaction

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.selectors import first_manager
from wuyedesk.rewards import selectors, services
from wuyedesk.rewards.from_appraisal import cycles_for, propose_from_appraisal
from wuyedesk.rewards.models import Measure


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Measure.objects.exists():
        return {}
    manager = first_manager()
    if manager is None:
        return {}
    reach = selectors.reach_of(manager).filter(archived_at__isnull=True).exclude(user=manager)
    people = []
    for post in (Post.SPECIALIST, Post.ASSISTANT):  # two specialists, else an assistant too
        people += list(
            reach.filter(posts__post=post)
            .exclude(pk__in=[p.pk for p in people])
            .order_by("employee_no")
            .distinct()[: 2 - len(people)]
        )
    if len(people) < 2:
        return {}
    praised = services.measure_propose(
        by=manager,
        staff=people[0],
        kind="commendation",
        facts="本季度经办工单零投诉,回访满意率 100%。",
        reason="服务表现优秀,予以表扬。",
    )
    services.measure_approve(by=manager, measure=praised, remarks="同意表扬。")
    services.measure_propose(
        by=manager,
        staff=people[1],
        kind="warning",
        facts="本月有 3 张投诉工单未在规定时限内回访。",
        reason="违反回访时限规定,予以警告。",
    )
    services.measure_propose(
        by=manager,
        staff=people[0],
        kind="bonus",
        amount="500",
        facts="本季度客户评价与回访满意率均列部门第一。",
        reason="服务表现突出,建议发放季度服务奖金。",
    )
    made = 3
    for cycle in cycles_for(manager):  # the appraisal's published results (appraisal.seeding)
        made += len(propose_from_appraisal(by=manager, cycle=cycle))
    return {"rewards and penalties": made}
