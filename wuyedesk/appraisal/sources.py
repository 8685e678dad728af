"""The records behind the scores, read for many people at once (a few grouped queries per
criterion for the whole batch, never one per person): each person's list of Item rows.

- Service quality: the tickets the person owns registered in the quarter, each 100 when
  every deadline was met and 0 when one was missed (supervision's definition); their
  inquiries, 100 when resolved at first contact (the 100s of a person are one row listing
  their tickets, each 0 a row of its own); the closed ticket, call and deadline
  inspections of the person (their scores).
- Customer satisfaction: the residents' ratings (channels.Rating) attributed to the person
  (stars × 20); the return visits of the person's tickets that reached the resident
  (satisfied 100, partly 50, not satisfied 0); the overall answer of the survey responses
  of the rooms of the person's tickets (1–5 × 20).
- Attitude: the closed on-site and mystery inspections (conduct); each complaint of the
  category 员工服务态度 decided in the quarter with a corrective measure owned by the person
  (the complaint found against them: minus the regulation's deduction).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import BooleanField, Case, Q, Value, When

from wuyedesk.appraisal.choices import CRITERION_OF, Component
from wuyedesk.channels.models import Rating
from wuyedesk.supervision.choices import Kind as InspectionKind
from wuyedesk.supervision.choices import Status as InspectionStatus
from wuyedesk.supervision.models import Inspection
from wuyedesk.supervision.services.inspections import day_bounds, missed_q
from wuyedesk.surveys.models import Answer
from wuyedesk.tickets.choices import Kind, Satisfaction
from wuyedesk.tickets.models import CorrectiveMeasure, ReturnVisit, Ticket

ATTITUDE_CATEGORY = "ATTITUDE"  # 员工服务态度 (tickets/defaults.py)
CONDUCT_KINDS = (InspectionKind.ONSITE, InspectionKind.MYSTERY)
VISIT_VALUES = {Satisfaction.SATISFIED: 100, Satisfaction.PARTLY: 50, Satisfaction.NOT_SATISFIED: 0}
STAR_POINTS = 20


def _row(component, ref_id, label, at, value, detail=""):
    return {
        "criterion": CRITERION_OF[component],
        "component": component,
        "ref_id": ref_id,
        "label": str(label)[:120],
        "at": at,
        "value": Decimal(value),
        "detail": str(detail)[:200],
    }


def collect(ids: list[int], start: dt.date, end: dt.date, *, now, complaint_points: int):
    """{person id: [item fields]} for the people `ids` over [start, end]."""
    low, high = day_bounds(start, end)
    found: dict[int, list[dict]] = {pk: [] for pk in ids}
    rooms: dict[int, set[int]] = {}
    missed = Case(
        When(missed_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    tickets = (
        Ticket.objects.filter(owner_id__in=ids, created_at__gte=low, created_at__lt=high)
        .annotate(missed_flag=missed)
        .order_by()
        .values_list(
            "owner_id",
            "id",
            "number",
            "created_at",
            "kind",
            "first_contact_resolution",
            "missed_flag",
            "room_id",
        )
    )
    met: dict[int, list] = {}
    resolved: dict[int, list] = {}
    for owner, pk, number, at, kind, fcr, late, room in tickets:
        if late:
            found[owner].append(_row(Component.DEADLINE, pk, number, at, 0, "missed"))
        else:
            met.setdefault(owner, []).append([pk, number])
        if kind == Kind.INQUIRY:
            if fcr:
                resolved.setdefault(owner, []).append([pk, number])
            else:
                found[owner].append(_row(Component.FIRST_CONTACT, pk, number, at, 0, "no_fcr"))
        if room:
            rooms.setdefault(owner, set()).add(room)
    # The tickets that met every deadline (and the inquiries resolved at first contact) are
    # one row each per person, listing them: the page links every one.
    for component, groups, detail in (
        (Component.DEADLINE, met, "met"),
        (Component.FIRST_CONTACT, resolved, "fcr"),
    ):
        for owner, refs in groups.items():
            row = _row(component, None, f"× {len(refs)}", None, 100, detail)
            found[owner].append(row | {"count": len(refs), "refs": sorted(refs)})
    inspections = (
        Inspection.objects.filter(
            inspected_id__in=ids,
            status=InspectionStatus.CLOSED,
            closed_at__gte=low,
            closed_at__lt=high,
            score__isnull=False,
        )
        .order_by()
        .values_list("inspected_id", "id", "kind", "closed_at", "score")
    )
    for person, pk, kind, at, value in inspections:
        component = Component.CONDUCT if kind in CONDUCT_KINDS else Component.INSPECTION
        found[person].append(_row(component, pk, f"#{pk}", at, value, kind))
    ratings = (
        Rating.staff.through.objects.filter(
            user_id__in=ids, rating__created_at__gte=low, rating__created_at__lt=high
        )
        .order_by()
        .values_list(
            "user_id",
            "rating__ticket_id",
            "rating__ticket__number",
            "rating__created_at",
            "rating__stars",
        )
    )
    for person, ticket, number, at, stars in ratings:
        found[person].append(
            _row(Component.RATING, ticket, number, at, stars * STAR_POINTS, f"{stars}★")
        )
    visits = (
        ReturnVisit.objects.filter(ticket__owner_id__in=ids, at__gte=low, at__lt=high, reached=True)
        .exclude(satisfaction="")
        .order_by()
        .values_list("ticket__owner_id", "ticket_id", "ticket__number", "at", "satisfaction")
    )
    for person, ticket, number, at, satisfaction in visits:
        found[person].append(
            _row(
                Component.RETURN_VISIT, ticket, number, at, VISIT_VALUES[satisfaction], satisfaction
            )
        )
    complaints = (
        CorrectiveMeasure.objects.filter(
            Q(ticket__category__code=ATTITUDE_CATEGORY)
            | Q(ticket__category__parent__code=ATTITUDE_CATEGORY),
            owner_id__in=ids,
            ticket__kind=Kind.COMPLAINT,
            ticket__decided_at__gte=low,
            ticket__decided_at__lt=high,
        )
        .order_by()
        .values_list("owner_id", "ticket_id", "ticket__number", "ticket__decided_at")
        .distinct()
    )
    for person, ticket, number, at in complaints:
        found[person].append(_row(Component.COMPLAINT, ticket, number, at, -complaint_points))
    all_rooms = set().union(*rooms.values()) if rooms else set()
    if all_rooms:
        answers = (
            Answer.objects.filter(
                question__is_overall=True,
                value_int__isnull=False,
                response__room_id__in=all_rooms,
                response__submitted_at__gte=low,
                response__submitted_at__lt=high,
            )
            .order_by()
            .values_list("response__room_id", "response_id", "response__submitted_at", "value_int")
        )
        by_room: dict[int, list] = {}
        for room, response, at, value in answers:
            by_room.setdefault(room, []).append((response, at, value))
        for person, person_rooms in rooms.items():
            for room in sorted(person_rooms):
                for response, at, value in by_room.get(room, ()):
                    found[person].append(
                        _row(
                            Component.SURVEY,
                            response,
                            f"#{response}",
                            at,
                            value * STAR_POINTS,
                            f"{value}/5",
                        )
                    )
    return found
