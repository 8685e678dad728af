"""Demo calls: the phone calls behind the demo's phone tickets and their follow-ups, and a few
missed calls. Bounded (at most a few hundred rows, whatever the number of tickets) and
deterministic for a seed; run once (a second run adds nothing)."""

import datetime as dt
import random

from django.db.models import Q

from wuyedesk.accounts.models import Staff
from wuyedesk.properties.seeding import DEMO_STAFF
from wuyedesk.telephony.choices import MANUAL_SOURCE, CallOutcome, Direction, Purpose
from wuyedesk.telephony.models import Call
from wuyedesk.tickets.models import Ticket

DEMO_SOURCE = "demo-pbx"
TICKETS = 200  # the latest phone tickets get their calls
MISSED = 30


def _demo_extensions() -> dict[str, str]:
    """Every demo desk login has an extension (the properties seed gives one; keep it)."""
    wanted = [u for u, *_rest in DEMO_STAFF]
    found = {}
    for staff in Staff.objects.filter(user__username__in=wanted).select_related("user"):
        if not staff.extension:
            staff.extension = str(8000 + staff.pk)
            staff.save(update_fields=["extension"])
        found[staff.user.username] = staff.extension
    return found


def seed_demo(*, seed: int) -> dict[str, int]:
    extensions = _demo_extensions()
    if Call.objects.filter(source=DEMO_SOURCE).exists():
        return {"calls": 0}
    rng = random.Random(seed * 7919 + 3)  # noqa: S311  (demo data)
    tickets = list(
        Ticket.objects.filter(channel="phone", resident__isnull=False)
        .select_related("resident", "created_by__staff")
        .order_by("-id")[:TICKETS]
    )
    calls = []
    for ticket in reversed(tickets):
        staff = ticket.created_by if getattr(ticket.created_by, "staff", None) else None
        extension = staff.staff.extension if staff else ""
        talk = rng.randrange(40, 600)
        calls.append(
            Call(
                direction=Direction.INBOUND,
                source=DEMO_SOURCE,
                external_id=f"demo-{ticket.pk}",
                number=ticket.resident.phone,
                extension=extension,
                staff=staff,
                started_at=ticket.contact_at,
                answered=True,
                ended_at=ticket.contact_at + dt.timedelta(seconds=talk),
                duration=talk,
                outcome=CallOutcome.ANSWERED,
                resident=ticket.resident,
                ticket=ticket,
                community_id=ticket.community_id,
            )
        )
        if ticket.followed_up_at and ticket.owner_id and rng.random() < 0.6:
            talk = rng.randrange(30, 300)
            calls.append(
                Call(
                    direction=Direction.OUTBOUND,
                    source=MANUAL_SOURCE,
                    number=ticket.resident.phone,
                    staff_id=ticket.owner_id,
                    started_at=ticket.followed_up_at - dt.timedelta(seconds=talk),
                    answered=True,
                    ended_at=ticket.followed_up_at,
                    duration=talk,
                    outcome=CallOutcome.ANSWERED,
                    purpose=Purpose.FOLLOW_UP,
                    notes="电话告知处理进度",
                    resident=ticket.resident,
                    ticket=ticket,
                    community_id=ticket.community_id,
                    created_by_id=ticket.owner_id,
                )
            )
    missed = list(
        Ticket.objects.filter(Q(resident__isnull=False))
        .select_related("resident")
        .order_by("-id")[TICKETS : TICKETS + MISSED]
    )
    for n, ticket in enumerate(missed):
        at = ticket.contact_at - dt.timedelta(minutes=rng.randrange(5, 120))
        calls.append(
            Call(
                direction=Direction.INBOUND,
                source=DEMO_SOURCE,
                external_id=f"demo-missed-{n}",
                number=ticket.resident.phone,
                extension=rng.choice(list(extensions.values()) or [""]),
                started_at=at,
                ended_at=at + dt.timedelta(seconds=20),
                duration=20,
                outcome=CallOutcome.MISSED,
                resident=ticket.resident,
                community_id=ticket.resident.community_id,
            )
        )
    Call.objects.bulk_create(calls, batch_size=500)
    return {"calls": len(calls)}
