"""Demo rewards and penalties (`wuyedesk seed`, after the meetings).

The story: the manager commended a specialist for a quarter without complaints (approved,
in effect, the specialist notified) and proposed a warning for another who missed return
visits (waiting for approval on the manager's home). Bounded and deterministic."""

from django.db import transaction

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.rewards import selectors, services
from wuyedesk.rewards.models import Measure


def _manager():
    for user in User.objects.filter(
        staff__posts__post=Post.MANAGER, staff__archived_at__isnull=True, is_active=True
    ).order_by("staff__employee_no"):
        return user
    return None


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Measure.objects.exists():
        return {}
    manager = _manager()
    if manager is None:
        return {}
    people = list(
        selectors.reach_of(manager)
        .filter(archived_at__isnull=True, posts__post=Post.SPECIALIST)
        .exclude(user=manager)
        .order_by("employee_no")
        .distinct()[:2]
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
    return {"rewards and penalties": 2}
