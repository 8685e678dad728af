"""Realistic demo tickets in bulk (`wuyedesk seed --tickets N`), deterministic per seed.

Older tickets are mostly closed, with follow-ups, decisions, feedback and return visits
on or after time in realistic shares; recent ones are open and some are overdue, as if
the deadlines engine had swept them. Used for the demo and for the 1,000,000-ticket
benchmark, so rows go in through lib.bulk, not the ORM.
"""

import contextlib
import datetime as dt
import random

from django.db import connection, transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import Staff
from wuyedesk.lib.bulk import insert_rows, next_ids, reset_sequences
from wuyedesk.lib.search import index_text
from wuyedesk.policies import calendar
from wuyedesk.policies.choices import ClockStart
from wuyedesk.policies.services import policy
from wuyedesk.properties.models import Occupancy, Room
from wuyedesk.tickets.choices import Channel, EventKind, Kind, Outcome, Satisfaction, Status
from wuyedesk.tickets.defaults import load_categories
from wuyedesk.tickets.knowledge.services import load_demo_articles
from wuyedesk.tickets.models import Category, Ticket, TicketEvent, TicketSequence

# category code -> what residents say
SAYINGS = {
    "FACILITY": ["单元门闭门器坏了,门关不上", "楼道灯不亮,晚上很黑", "地下车库排风扇噪音很大"],
    "LIFT": ["电梯运行时有异响", "电梯按钮失灵,按了没反应", "电梯停在半层,门打不开"],
    "ACCESS": ["门禁卡刷不开单元门", "人脸识别门禁一直识别失败", "访客呼叫对讲没有声音"],
    "UTILITY": [
        "卫生间漏水,楼下天花板在滴水",
        "厨房水龙头关不紧一直滴水",
        "家里突然停电,跳闸合不上",
        "水压太低,热水器打不着火",
        "燃气表读数异常",
    ],
    "FIRE": ["楼道消防栓门被堵住了", "烟感报警器一直在响", "消防通道堆放杂物"],
    "SECURITY": ["小区门口有陌生人推销", "夜间巡逻不到位", "快递柜旁边有人翻找包裹"],
    "CLEANING": ["垃圾桶满了没人清理", "楼道有异味,好几天没打扫", "电梯里有宠物粪便"],
    "GREEN": ["草坪很久没修剪", "树枝挡住了窗户", "绿化带浇水太早吵醒人"],
    "PARKING": ["我的车位被别人占用了", "停车月卡怎么办理", "地库出口道闸抬杆太慢"],
    "NOISE": ["楼上装修噪音太大,周末一早就开始", "晚上广场舞音响太吵", "空调外机噪音大"],
    "RENOVATION": ["装修申请需要什么材料", "邻居装修砸承重墙", "装修垃圾堆在楼道"],
    "FEES": ["物业费发票怎么开", "物业费可以按月交吗", "为什么这个月公摊电费这么高"],
    "ATTITUDE": ["保安态度很差,说话不客气", "前台客服电话一直没人接", "维修师傅上门迟到还不道歉"],
    "AMENITY": ["儿童游乐设施损坏", "小区能不能加装充电桩", "快递柜格口太少"],
    "OTHER": ["想咨询一下小区活动安排", "失物招领在哪里", "能否提供代收快递服务"],
}
KIND_CATEGORIES = {
    Kind.INQUIRY: ["FEES", "PARKING", "RENOVATION", "AMENITY", "OTHER", "ACCESS"],
    Kind.REPAIR: ["FACILITY", "LIFT", "ACCESS", "UTILITY", "FIRE", "GREEN"],
    Kind.COMPLAINT: ["ATTITUDE", "NOISE", "CLEANING", "SECURITY", "PARKING", "RENOVATION"],
    Kind.SUGGESTION: ["AMENITY", "GREEN", "SECURITY", "OTHER"],
}
KINDS = [Kind.INQUIRY] * 45 + [Kind.REPAIR] * 30 + [Kind.COMPLAINT] * 15 + [Kind.SUGGESTION] * 10
CHANNELS = [Channel.PHONE] * 6 + [Channel.PORTAL] * 2 + [Channel.EMAIL, Channel.WALK_IN]
TICKET_COLUMNS = [
    "id",
    "number",
    "kind",
    "channel",
    "category",
    "severity",
    "status",
    "outcome",
    "community",
    "room",
    "resident",
    "title",
    "description",
    "contact_at",
    "created_at",
    "created_by",
    "owner",
    "first_contact_resolution",
    "follow_up_due",
    "followed_up_at",
    "reported_at",
    "investigation_due",
    "decided_at",
    "feedback_at",
    "return_visit_due",
    "return_visit_at",
    "satisfaction",
    "closed_at",
    "next_due",
    "overdue_since",
    "overdue_notified_for",
    "clock_basis",
    "recorded_late",
    "version",
    "search_text",
]
EVENT_COLUMNS = ["ticket", "kind", "at", "actor", "body", "channel", "public", "data"]
H = dt.timedelta(hours=1)


def _room_addresses():
    rows = Room.objects.values_list(
        "id", "unit__building__community__name", "unit__building__name", "unit__name", "number"
    )
    return {r[0]: "-".join(r[1:]) for r in rows}


@contextlib.contextmanager
def _search_index_rebuilt_after():
    """On SQLite, index the bulk once at the end instead of row by row through the trigger."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master "
            "WHERE type = 'trigger' AND name = 'tickets_ticket_fts_ai'"
        )
        (create_trigger,) = cursor.fetchone()
        cursor.execute("DROP TRIGGER tickets_ticket_fts_ai")
        yield
        cursor.execute("INSERT INTO tickets_ticket_fts(tickets_ticket_fts) VALUES ('rebuild')")
        cursor.execute(create_trigger)


@transaction.atomic
def seed_reference(*, by) -> None:
    """The demo company's ticket categories and knowledge base (`wuyedesk seed`, after the
    communities, departments and staff of properties' seeding)."""
    load_categories()
    load_demo_articles(by=by)


def _clock(t: dict, name: str, due_field: str, events: dict, rules) -> None:
    deadline = calendar.clock(name, settings=rules, events=events)
    t[due_field] = deadline.due
    t["clock_basis"] = {**t["clock_basis"], name: deadline.basis()}


def seed_tickets(*, count: int, seed: int = 1, days: int = 120, now=None) -> int:
    load_categories()  # idempotent: the tickets need their categories
    rng = random.Random(seed)  # noqa: S311  (demo data)
    now = now or timezone.now()
    rules = policy()  # the regulation's clocks, as intake computes them (tickets/services)
    rows = list(
        Occupancy.objects.filter(move_out__isnull=True)
        .order_by("id")
        .values_list("resident_id", "room_id", "community_id", "resident__name")
    )
    occupancies = [row[:3] for row in rows]
    names = {row[0]: row[3] for row in rows}
    if not occupancies or count <= 0:
        return 0
    categories = {c.code: c.id for c in Category.objects.filter(parent__isnull=False)}
    categories |= {c.code: c.id for c in Category.objects.filter(children__isnull=True)}
    desk = {}
    for user_id, community_id in Staff.objects.filter(
        posts__post=Post.SPECIALIST, archived_at__isnull=True
    ).values_list("user_id", "communities__id"):
        desk.setdefault(community_id, []).append(user_id)
    fallback = list(
        Staff.objects.filter(posts__post__in=[Post.SPECIALIST, Post.MANAGER]).values_list(
            "user_id", flat=True
        )[:1]
    )
    addresses = _room_addresses()
    day_counters = {}
    for day, last in TicketSequence.objects.values_list("day", "last"):
        day_counters[day] = last
    ids = next_ids(Ticket, count)
    tickets, events = [], []
    for tid in ids:
        resident_id, room_id, community_id = rng.choice(occupancies)
        kind = rng.choice(KINDS)
        code = rng.choice(KIND_CATEGORIES[kind])
        if code not in categories:
            code = next(iter(categories))
        description = rng.choice(SAYINGS.get(code, SAYINGS["OTHER"]))
        contact = now - dt.timedelta(seconds=rng.randrange(int(days * 86400)))
        created = contact + dt.timedelta(minutes=rng.randrange(0, 8))
        day = timezone.localtime(created).strftime("%Y%m%d")
        day_counters[day] = day_counters.get(day, 0) + 1
        number = f"{day}-{day_counters[day]:04d}"
        owners = desk.get(community_id) or fallback
        owner = rng.choice(owners) if owners else None
        channel = rng.choice(CHANNELS)
        severity = "normal"
        if kind == Kind.COMPLAINT and rng.random() < 0.03:
            severity = "major"
        elif kind == Kind.REPAIR and rng.random() < 0.01:
            severity = "emergency"
        t = dict.fromkeys(TICKET_COLUMNS)
        t.update(
            id=tid,
            number=number,
            kind=kind,
            channel=channel,
            category=categories[code],
            severity=severity,
            status=Status.OPEN,
            outcome="",
            community=community_id,
            room=room_id,
            resident=resident_id,
            title=description[:40],
            description=description,
            contact_at=contact,
            created_at=created,
            created_by=owner,
            owner=owner,
            first_contact_resolution=False,
            version=1,
            satisfaction="",
            clock_basis={},
            recorded_late=(
                kind in (Kind.INQUIRY, Kind.COMPLAINT)
                and created - contact > dt.timedelta(minutes=rules.late_recording_minutes)
            ),
        )
        clock_events = {
            ClockStart.CONTACT: contact,
            ClockStart.RECORDED: created,
            ClockStart.REPORTED: created,
        }
        events.append((tid, EventKind.CREATED, created, owner, description, channel, True, {}))
        age = now - contact
        settled = age > dt.timedelta(days=3) and rng.random() < 0.96
        if kind != Kind.COMPLAINT:
            _clock(t, "follow_up", "follow_up_due", clock_events, rules)
            if kind == Kind.INQUIRY and rng.random() < 0.35:
                t.update(
                    first_contact_resolution=True,
                    followed_up_at=created,
                    status=Status.CLOSED,
                    outcome=Outcome.ANSWERED,
                    closed_at=created,
                )
                events.append(
                    (tid, EventKind.ANSWER, created, owner, "已当场解答", channel, True, {})
                )
            elif settled or rng.random() < 0.4:
                late = rng.random() < 0.12
                followed = contact + (rng.uniform(25, 40) if late else rng.uniform(1, 23)) * H
                if followed < now:
                    t["followed_up_at"] = followed
                    events.append(
                        (
                            tid,
                            EventKind.FOLLOW_UP,
                            followed,
                            owner,
                            "已电话告知处理进展",
                            Channel.PHONE,
                            False,  # the desk's record: the customer sees only the fact
                            {},
                        )
                    )
                    if settled:
                        closed = followed + rng.uniform(0.5, 48) * H
                        t.update(
                            status=Status.CLOSED,
                            outcome=Outcome.RESOLVED,
                            closed_at=min(closed, now),
                        )
                    else:
                        t["status"] = Status.TRANSFERRED
        else:
            t["reported_at"] = created
            _clock(t, "investigation", "investigation_due", clock_events, rules)
            if settled:
                decided = created + rng.uniform(6, 60) * H
                feedback = decided + rng.uniform(1, 24) * H
                visit = feedback + rng.uniform(2, 70) * H
                satisfaction = rng.choice(
                    [Satisfaction.SATISFIED] * 7
                    + [Satisfaction.PARTLY] * 2
                    + [Satisfaction.NOT_SATISFIED]
                )
                if satisfaction == Satisfaction.NOT_SATISFIED:
                    satisfaction = Satisfaction.PARTLY  # reopened and settled later
                if visit < now:
                    t.update(
                        decided_at=decided,
                        feedback_at=feedback,
                        return_visit_due=calendar.clock(
                            "return_visit", settings=rules, events={ClockStart.FEEDBACK: feedback}
                        ).due,
                        return_visit_at=visit,
                        satisfaction=satisfaction,
                        followed_up_at=feedback,
                        status=Status.CLOSED,
                        outcome=Outcome.RESOLVED,
                        closed_at=visit,
                    )
                    events += [
                        (
                            tid,
                            EventKind.DECISION,
                            decided,
                            owner,
                            "已约谈相关人员并整改",
                            "",
                            False,
                            {},
                        ),
                        (
                            tid,
                            EventKind.FEEDBACK,
                            feedback,
                            owner,
                            "已向业主反馈处理结果",
                            Channel.PHONE,
                            True,
                            {},
                        ),
                        (
                            tid,
                            EventKind.RETURN_VISIT,
                            visit,
                            owner,
                            "",
                            Channel.PHONE,
                            False,
                            {"reached": True, "satisfaction": satisfaction},
                        ),
                    ]
            else:
                t["status"] = Status.INVESTIGATING
        if t["status"] == Status.CLOSED:
            events.append(
                (
                    tid,
                    EventKind.CLOSE,
                    t["closed_at"],
                    owner,
                    "",
                    "",
                    False,
                    {"outcome": t["outcome"]},
                )
            )
        else:
            running = [
                d
                for d, done in (
                    (t["follow_up_due"], t["followed_up_at"]),
                    (t["investigation_due"], t["decided_at"]),
                )
                if d and not done
            ]
            t["next_due"] = min(running) if running else None
            if t["next_due"] and t["next_due"] < now:
                t["overdue_since"] = t["overdue_notified_for"] = t["next_due"]
        t["search_text"] = index_text(
            number, description, names.get(resident_id, ""), addresses.get(room_id, "")
        )
        tickets.append(tuple(t[c] for c in TICKET_COLUMNS))
    with _search_index_rebuilt_after():
        insert_rows(Ticket, TICKET_COLUMNS, tickets)
    insert_rows(TicketEvent, EVENT_COLUMNS, events)
    reset_sequences(Ticket, TicketEvent)
    for day, last in day_counters.items():
        TicketSequence.objects.update_or_create(day=day, defaults={"last": last})
    return len(tickets)
