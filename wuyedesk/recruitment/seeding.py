"""Demo recruitment (`wuyedesk seed`): the first manager with a department opens an opening for
two specialists in their communities; three candidates — one in screening, one interviewed
(with the interviewer's note), one who withdrew. Deterministic and bounded; made through the
services, so the audit rows are there too."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.access import community_ids, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.selectors import first_manager
from wuyedesk.properties.models import Community
from wuyedesk.recruitment import services
from wuyedesk.recruitment.models import Opening

CANDIDATES = (
    ("林小雨", "13900001111", "job_site", "有两年前台接待经验。"),
    ("郑浩", "13900002222", "referral", "客服专员推荐,普通话标准。"),
    ("何静", "13900003333", "campus", "应届毕业生。"),
)


@transaction.atomic
def seed_demo(*, seed: int) -> dict[str, int]:
    if Opening.objects.exists():
        return {}  # seeded already
    manager = first_manager()
    if manager is None:
        return {"recruitment openings": 0}
    ids = community_ids(manager)
    communities = Community.objects.filter(archived_at__isnull=True).order_by("code")
    if ids is not None:
        communities = communities.filter(pk__in=ids)
    community = communities.first()
    if community is None:
        return {"recruitment openings": 0}
    opening = services.opening_create(
        by=manager,
        title="客服专员",
        post=Post.SPECIALIST,
        communities=[community.pk],
        headcount=2,
        description="普通话标准,能适应轮班;有物业或客服经验者优先。",
    )
    made = [
        services.candidate_create(
            by=manager, opening=opening, name=name, phone=phone, source=source, note=note
        )
        for name, phone, source, note in CANDIDATES
    ]
    services.stage_record(
        by=manager,
        candidate=made[1],
        stage="interview",
        note="沟通清楚,有耐心;情景题处理得当。",
        interviewer_id=staff_of(manager).pk,
        held_on=timezone.localdate() - dt.timedelta(days=1),
    )
    services.stage_record(by=manager, candidate=made[2], stage="withdrawn", note="已接受其他工作。")
    return {"recruitment openings": 1, "recruitment candidates": len(made)}
