import datetime as dt

import django.test
import pytest
from django.utils import timezone


def quarter_day(previous=False) -> dt.datetime:
    """Noon of the 10th day of this quarter (or the previous one), Asia/Shanghai."""
    from wuyedesk.appraisal.services.cycles import previous_quarter, quarter_bounds, quarter_of

    today = timezone.localdate()
    year, quarter = previous_quarter(today) if previous else quarter_of(today)
    start = quarter_bounds(year, quarter)[0]
    day = min(start + dt.timedelta(days=9), today) if not previous else start + dt.timedelta(days=9)
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def open_cycle(by, *, previous=False):
    from wuyedesk.appraisal.services.cycles import cycle_open, previous_quarter, quarter_of

    today = timezone.localdate()
    year, quarter = previous_quarter(today) if previous else quarter_of(today)
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):  # immediate huey
        cycle = cycle_open(by=by, year=year, quarter=quarter)
    cycle.refresh_from_db()
    return cycle


def make_records(world):
    """The specialist's quarter (the previous one), hand-computable:

    quality: 4 inquiries owned, one missed its follow-up deadline (deadline 3/4 = 75.0), two
    resolved at first contact (50.0), a ticket inspection of 80 -> (75 + 50 + 80) / 3.
    satisfaction: ratings 5★, 3★ and 1★ (the 1★ given for specialist_b's ticket but
    attributed to the specialist) -> (100 + 60 + 20) / 3 = 60; return visits satisfied and
    partly -> 75; no survey -> (60 + 75) / 2 = 67.5.
    attitude: an on-site inspection of 90; one staff-attitude complaint decided with a
    measure owned by the specialist -> 100 - 20 = 80; -> 85 until the manager's rating.
    attendance: two rostered days (four half-days), one arrival late -> (3 × 100 + 50) / 4.
    """
    from wuyedesk.channels.models import Rating
    from wuyedesk.supervision.models import Inspection
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.models import CorrectiveMeasure, ReturnVisit, Ticket
    from wuyedesk.tickets.services import ticket_create

    categories = load_categories()

    def call(**fields):
        data = {
            "by": world.specialist,
            "kind": "inquiry",
            "channel": "phone",
            "category": categories["UTILITY"],
            "title": "",
            "description": "卫生间漏水",
            "resident": world.resident_a,
            "room": world.rooms_a[0],
        }
        return ticket_create(**(data | fields))

    at = quarter_day(previous=True)
    s = world.specialist
    tickets = [call(description=f"第 {n} 张 漏水咨询") for n in range(4)]
    clear = {"follow_up_due": None, "investigation_due": None, "return_visit_due": None}
    for n, t in enumerate(tickets):
        Ticket.objects.filter(pk=t.pk).update(
            owner=s, created_at=at, first_contact_resolution=n < 2, **clear
        )
    Ticket.objects.filter(pk=tickets[3].pk).update(
        follow_up_due=at + dt.timedelta(hours=1), followed_up_at=at + dt.timedelta(hours=2)
    )
    other = call(
        by=world.specialist_b, resident=world.resident_b, room=world.rooms_b[0], description="b"
    )
    Ticket.objects.filter(pk=other.pk).update(owner=world.specialist_b, created_at=at, **clear)
    complaint = call(kind="complaint", category=categories["ATTITUDE"], description="态度差")
    Ticket.objects.filter(pk=complaint.pk).update(
        owner=world.assistant, created_at=at, decided_at=at, **clear
    )
    CorrectiveMeasure.objects.create(
        ticket=complaint, what="服务用语培训", department=world.engineering, owner=s, due=at.date()
    )
    ratings = {}
    for ticket, stars, resident in (
        (tickets[0], 5, world.resident_a),
        (tickets[1], 3, world.resident_a),
        (other, 1, world.resident_b),
    ):
        rating = Rating.objects.create(
            ticket=ticket,
            community_id=ticket.community_id,
            resident=resident,
            stars=stars,
            created_at=at,
        )
        rating.staff.set([s])
        ratings[stars] = rating
    for ticket, satisfaction in ((tickets[0], "satisfied"), (tickets[1], "partly")):
        ReturnVisit.objects.create(
            ticket=ticket,
            at=at,
            by=world.assistant,
            channel="phone",
            reached=True,
            satisfaction=satisfaction,
        )
    for kind, score in (("ticket", 80), ("onsite", 90)):
        Inspection.objects.create(
            kind=kind,
            status="closed",
            inspected=s,
            inspector=world.supervisor,
            ticket=tickets[0] if kind == "ticket" else None,
            due=at.date(),
            score=score,
            created_by=world.supervisor,
            closed_at=at,
        )
    # Attendance (staffing): two rostered days, one on time, one 1 minute past the grace.
    from wuyedesk.policies.services import policy
    from wuyedesk.staffing import services as staffing

    shift = staffing.shift_save(by=world.manager, name="白班", start=dt.time(9), end=dt.time(17))
    grace = policy().attendance_grace_minutes
    for n, minutes in ((0, 0), (1, grace + 1)):
        day = at.date() + dt.timedelta(days=n)
        staffing.roster_add(
            by=world.manager, user=s, date=day, shift=shift, duty="counter", community=world.a
        )
        start = dt.datetime.combine(day, dt.time(9), tzinfo=at.tzinfo)
        staffing.clock(by=s, action="in", ip="10.0.0.5", now=start + dt.timedelta(minutes=minutes))
        staffing.clock(by=s, action="out", ip="10.0.0.5", now=start + dt.timedelta(hours=8))
    world.tickets, world.other_ticket, world.ratings = tickets, other, ratings
    return world


@pytest.fixture
def records(world):
    return make_records(world)
