"""The records behind the scores, read for many people at once (a few grouped queries per
criterion for the whole batch, never one per person): each person's list of Item rows.

- Service quality: the tickets the person owns registered in the quarter, each 100 when
  every deadline was met and 0 when one was missed (supervision's definition); their
  inquiries, 100 when resolved at first contact; the closed ticket, call and deadline
  inspections of the person (their scores).
- Customer satisfaction: the residents' ratings (channels.Rating) attributed to the person
  (stars × 20); the return visits of the person's tickets that reached the resident
  (satisfied 100, partly 50, not satisfied 0); the overall answer of the survey responses
  of the rooms of the person's tickets (1–5 × 20).
- Attendance (where the version in force weighs it): the rostered half-days of each month
  from staffing (`attendance`).
- Training (where the version in force weighs it): sessions, exams and mandatory courses
  overdue from training (`training`).
- Attitude: the closed on-site and mystery inspections (conduct); each complaint of the
  category 员工服务态度 decided in the quarter with a corrective measure owned by the person
  (the complaint found against them: minus the regulation's deduction).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import BooleanField, Case, Q, Value, When

from wuyedesk.appraisal.choices import CRITERION_OF, Component
from wuyedesk.channels.models import Rating
from wuyedesk.staffing.selectors import attendance_summary
from wuyedesk.supervision.choices import Kind as InspectionKind
from wuyedesk.supervision.choices import Status as InspectionStatus
from wuyedesk.supervision.models import Inspection
from wuyedesk.supervision.services.inspections import day_bounds, missed_q
from wuyedesk.surveys.models import Answer
from wuyedesk.tickets.choices import Kind, Satisfaction
from wuyedesk.tickets.models import CorrectiveMeasure, ReturnVisit, Ticket
from wuyedesk.training.selectors import training_summary

ATTITUDE_CATEGORY = "ATTITUDE"  # 员工服务态度 (tickets/defaults.py)
CONDUCT_KINDS = (InspectionKind.ONSITE, InspectionKind.MYSTERY)
VISIT_VALUES = {Satisfaction.SATISFIED: 100, Satisfaction.PARTLY: 50, Satisfaction.NOT_SATISFIED: 0}
STAR_POINTS = 20
GROUP_DETAILS = {
    Component.DEADLINE: {100: "met", 0: "missed"},
    Component.FIRST_CONTACT: {100: "fcr", 0: "no_fcr"},
    Component.SURVEY: {v * STAR_POINTS: f"{v}/5" for v in range(0, 11)},
}


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


def months(start: dt.date, end: dt.date):
    """(first, last) day of each month of [start, end]."""
    first = start
    while first <= end:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        yield first, min(end, following - dt.timedelta(days=1))
        first = following


def attendance(ids: list[int], start: dt.date, end: dt.date, now) -> dict[int, list[dict]]:
    """Each person's rostered half-days of each month (staffing.selectors.attendance_summary):
    a half-day present counts 100, one with a late arrival or an early leave 50, a half-day
    absent 0; one row per month and kind, linking the month's attendance sheet."""
    found: dict[int, list[dict]] = {pk: [] for pk in ids}
    for first, last in months(start, end):
        label = f"{first:%Y-%m}"
        for pk, figures in attendance_summary(ids, first, last, now=now).items():
            halves = 2 * figures.scheduled_days
            absent = min(figures.absent_half_days, halves)
            slipped = min(figures.late + figures.early_leave, halves - absent)
            for value, n, detail in (
                (100, halves - absent - slipped, "present"),
                (50, slipped, "late_early"),
                (0, absent, "absent"),
            ):
                if n:
                    row = _row(Component.ATTENDANCE, None, label, None, value, detail)
                    found[pk].append(row | {"count": n})
    return found


def training(ids: list[int], start: dt.date, end: dt.date) -> dict[int, list[dict]]:
    """Each person's training of the quarter (training.selectors.training_summary): each
    session they were enrolled in, attended 100, missed 0; each exam, passed 100, failed 0;
    each mandatory course overdue at the quarter's end 0. Rows by kind, linking the
    person's training record."""
    found: dict[int, list[dict]] = {pk: [] for pk in ids}
    for pk, f in training_summary(ids, start, end).items():
        for value, n, detail in (
            (100, f.sessions_attended, "session_attended"),
            (0, f.sessions_required - f.sessions_attended, "session_missed"),
            (100, f.exams_passed, "exam_passed"),
            (0, f.exams_taken - f.exams_passed, "exam_failed"),
            (0, f.mandatory_overdue, "mandatory_overdue"),
        ):
            if n > 0:
                row = _row(Component.TRAINING, None, f"{f.hours} h", None, value, detail)
                found[pk].append(row | {"count": n})
    return found


def collect(
    ids: list[int],
    start: dt.date,
    end: dt.date,
    *,
    now,
    complaint_points: int,
    weights: dict | None = None,
):
    """{person id: [item fields]} for the people `ids` over [start, end]; attendance only
    when its weight (of the cycle's version) is not 0."""
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
            "kind",
            "first_contact_resolution",
            "missed_flag",
            "room_id",
        )
    )
    groups: dict[tuple, list] = {}
    for owner, pk, number, kind, fcr, late, room in tickets:
        groups.setdefault((owner, Component.DEADLINE, 0 if late else 100), []).append([pk, number])
        if kind == Kind.INQUIRY:
            groups.setdefault((owner, Component.FIRST_CONTACT, 100 if fcr else 0), []).append(
                [pk, number]
            )
        if room:
            rooms.setdefault(owner, set()).add(room)
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
                response__submitted_at__gte=low,
                response__submitted_at__lt=high,
            )
            .order_by()
            .values_list("response__room_id", "response_id", "value_int")
        )
        by_room: dict[int, list] = {}
        for room, response, value in answers:
            if room in all_rooms:
                by_room.setdefault(room, []).append((response, value))
        for person, person_rooms in rooms.items():
            for room in person_rooms:
                for response, value in by_room.get(room, ()):
                    groups.setdefault((person, Component.SURVEY, value * STAR_POINTS), []).append(
                        [response, f"#{response}"]
                    )
    # Records of the same part and value are one row per person listing them (thousands of
    # tickets a quarter): the page links each one, and each can be contested on its own.
    for (person, component, value), refs in groups.items():
        row = _row(component, None, f"× {len(refs)}", None, value, GROUP_DETAILS[component][value])
        found[person].append(row | {"count": len(refs), "refs": sorted(refs)})
    if (weights or {}).get("attendance"):
        for person, rows in attendance(ids, start, end, now).items():
            found[person].extend(rows)
    if (weights or {}).get("training"):
        for person, rows in training(ids, start, end).items():
            found[person].extend(rows)
    return found
