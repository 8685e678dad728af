"""Demo data of the portal (`wuyedesk seed --tickets N`): a few announcements per community
and residents' ratings on some recently closed tickets. Bounded whatever N is, and the same
rows for the same seed."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.channels.models import Announcement, Rating
from wuyedesk.properties.models import Building, Community
from wuyedesk.tickets import selectors as ticket_selectors
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.models import TicketEvent

MAX_COMMUNITIES = 20
CANDIDATES = 2000  # the most recent closed tickets considered for a rating
MAX_RATINGS = 300

NOTICES = [
    ("停水通知", "因市政管道检修,{when} 9:00–17:00 停水,请提前储水。"),
    ("电梯保养", "{building}电梯将于 {when} 上午进行例行保养,期间请走楼梯,给您带来不便敬请谅解。"),
    ("消防演练", "小区将于 {when} 下午组织消防演练,届时会有警报声,请勿惊慌。"),
    ("绿化修剪", "{when} 起对小区绿化进行修剪,请留意车辆停放位置。"),
]
COMMENTS = {
    5: ["处理很及时,谢谢师傅", "客服态度很好", "当天就解决了"],
    4: ["总体满意", "解决了,就是等得有点久"],
    3: ["一般,来回沟通了好几次"],
    2: ["处理太慢"],
    1: ["问题没有真正解决"],
}
STARS = [5] * 45 + [4] * 30 + [3] * 12 + [2] * 8 + [1] * 5


def seed_demo(*, seed: int) -> dict[str, int]:
    rng = random.Random(seed * 7919 + 4)  # noqa: S311  (demo data)
    now = timezone.now()
    with transaction.atomic():
        announcements = _announcements(rng, now)
        ratings = _ratings(rng, now)
    return {"announcements": announcements, "ratings": ratings}


def _author(community):
    return (
        User.objects.filter(
            staff__communities=community,
            staff__posts__post__in=[Post.ASSISTANT, Post.MANAGER, Post.SPECIALIST],
            staff__archived_at__isnull=True,
        )
        .order_by("id")
        .first()
    ) or User.objects.filter(staff__isnull=False).order_by("id").first()


def _announcements(rng, now) -> int:
    rows = []
    for community in Community.objects.filter(archived_at__isnull=True).order_by("id")[
        :MAX_COMMUNITIES
    ]:
        author = _author(community)
        if author is None:
            continue
        buildings = list(Building.objects.filter(community=community).order_by("id")[:5])
        for title, body in rng.sample(NOTICES, 2):
            building = rng.choice(buildings) if buildings and "{building}" in body else None
            publish_at = now - dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 12))
            when = (publish_at + dt.timedelta(days=2)).strftime("%m月%d日")
            rows.append(
                Announcement(
                    community=community,
                    building=building,
                    title=title,
                    body=body.format(when=when, building=building.name if building else ""),
                    publish_at=publish_at,
                    created_by=author,
                    # Demo notices count as sent: seeding never mails the demo residents.
                    emailed_at=publish_at,
                )
            )
    Announcement.objects.bulk_create(rows)
    return len(rows)


def _ratings(rng, now) -> int:
    closed = ticket_selectors.closed_unrated_for_seeding(CANDIDATES)
    chosen = [t for t in closed if rng.random() < 0.2][:MAX_RATINGS]
    accounts = dict(
        User.objects.filter(resident_id__in={t["resident_id"] for t in chosen}).values_list(
            "resident_id", "id"
        )
    )
    ratings, events = [], []
    for t in chosen:
        stars = rng.choice(STARS)
        comment = rng.choice(COMMENTS[stars]) if rng.random() < 0.7 else ""
        at = (t["closed_at"] or now) + dt.timedelta(hours=rng.randint(1, 48))
        at = min(at, now)
        ratings.append(
            Rating(
                ticket_id=t["id"],
                community_id=t["community_id"],
                resident_id=t["resident_id"],
                stars=stars,
                comment=comment,
                created_at=at,
            )
        )
        events.append(
            TicketEvent(
                ticket_id=t["id"],
                kind=EventKind.RATING,
                at=at,
                actor_id=accounts.get(t["resident_id"]),
                body=comment,
                channel="portal",
                public=True,
                data={"stars": stars},
            )
        )
    Rating.objects.bulk_create(ratings)
    TicketEvent.objects.bulk_create(events)
    made = {
        r.ticket_id: r.pk for r in Rating.objects.filter(ticket_id__in=[t["id"] for t in chosen])
    }
    Rating.staff.through.objects.bulk_create(
        [
            Rating.staff.through(rating_id=made[t["id"]], user_id=t["owner_id"])
            for t in chosen
            if t["owner_id"]
        ]
    )
    return len(ratings)
