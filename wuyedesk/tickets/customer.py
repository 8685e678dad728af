"""What the resident's side (channels: the portal, its API and seeding) reads of tickets:
their own tickets, the files they may see, the stage they are shown and who handled a
ticket. Other apps read these through tickets.selectors, which names them."""

from django.db.models import Exists, OuterRef, Q

from wuyedesk.accounts.choices import UserKind
from wuyedesk.lib.statements import Statement, is_key
from wuyedesk.tickets.choices import CustomerStage, EventKind, Status
from wuyedesk.tickets.models import Attachment, Ticket, TicketEvent
from wuyedesk.tickets.visibility import (
    customer_row,
    customer_text,
    customer_visible,
    customer_visible_sql,
)

CUSTOMER_RELATED = ("category", "category__parent", "room__unit__building__community")


def tickets_of_customer(resident_id: int):
    """The tickets a resident raised (or that were recorded for them), newest first, with what
    their lists show (the stage of each, without a query per row). Nobody else's: the caller
    passes the resident's own id."""
    return with_customer_stage(
        Ticket.objects.filter(resident_id=resident_id)
        .select_related(*CUSTOMER_RELATED, "building", "community")
        .order_by("-id")
    )


def public_attachments(ticket):
    """The files of a ticket its customer may see and download."""
    return ticket.attachments.filter(public=True).select_related("uploaded_by__staff")


# Rows that answer the customer: something they may confirm or rate.
CUSTOMER_ANSWER_KINDS = ("answer", "follow_up", "feedback", "message", "reply")


def _staff_answers() -> Q:
    """Public answers and messages written by staff: the customer's own words and photos
    (a public MESSAGE of theirs) answer nobody (issue #12 point 8: a ticket just submitted
    with a photo was offered for rating)."""
    return Q(public=True, kind__in=CUSTOMER_ANSWER_KINDS) & ~Q(actor__kind=UserKind.RESIDENT)


def with_customer_stage(tickets):
    """`tickets` with what `customer_answered`, `customer_confirmed` and `customer_stage`
    read, in the same query (a list of tickets costs no query per row)."""
    events = TicketEvent.objects.filter(ticket_id=OuterRef("pk"))
    return tickets.annotate(
        staff_answered=Exists(events.filter(_staff_answers())),
        customer_has_confirmed=Exists(events.filter(kind=EventKind.CONFIRMED)),
    )


# The portal's page and API read one ticket of the customer, its files and its timeline at
# each view. By the ORM that was 2.6 ms of CPU of the portal's 5.7 ms ticket page, most of
# it the compile of the ticket's eight joins and two subqueries; these hand-written
# statements (lib/statements.py) read the same rows, held equal to the querysets above by
# channels/tests/test_portal_statements.py (issue #12 Speed, bench/README.md).


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def _literals(values) -> str:
    """This module's own constant strings as SQL literals."""
    return ", ".join(f"'{value}'" for value in sorted(str(v) for v in values))


def _events_exist(condition: str, *, with_actor: bool = False) -> str:
    """EXISTS over the ticket's events (alias x), and their actor (alias u) when `with_actor`,
    meeting `condition`."""
    actor = TicketEvent._meta.get_field("actor")
    users = actor.related_model._meta
    join = (
        f'LEFT JOIN "{users.db_table}" u ON u."{users.pk.column}" = x."{actor.column}" '
        if with_actor
        else ""
    )
    return (
        f'EXISTS (SELECT 1 FROM "{TicketEvent._meta.db_table}" x {join}'  # noqa: S608 (names from _meta)
        f'WHERE x."{_column(TicketEvent, "ticket")}" = t0."id" AND {condition})'
    )


def _staff_answers_sql() -> str:
    """`_staff_answers` as SQL: public answers and messages whose actor, if any, is no
    resident."""
    kind, public = _column(TicketEvent, "kind"), _column(TicketEvent, "public")
    user_kind = TicketEvent._meta.get_field("actor").related_model._meta.get_field("kind").column
    return (
        f'x."{public}" AND x."{kind}" IN ({_literals(CUSTOMER_ANSWER_KINDS)}) '
        f"AND COALESCE(u.\"{user_kind}\", '') <> '{UserKind.RESIDENT.value}'"
    )


def _rated_sql() -> str:
    rating = Ticket._meta.get_field("rating")  # the resident's rating (channels), one-to-one
    table, key = rating.related_model._meta.db_table, rating.field.column
    return f'EXISTS (SELECT 1 FROM "{table}" r WHERE r."{key}" = t0."id")'  # noqa: S608


CUSTOMER_TICKET = Statement(
    Ticket,
    *CUSTOMER_RELATED,
    "building",
    "community",
    "rating",
    where=f't0."id" = %s AND t0."{_column(Ticket, "resident")}" = %s',
    extra={
        "staff_answered": (_events_exist(_staff_answers_sql(), with_actor=True), bool),
        "customer_has_confirmed": (
            _events_exist(f"x.\"{_column(TicketEvent, 'kind')}\" = '{EventKind.CONFIRMED.value}'"),
            bool,
        ),
        "rated": (_rated_sql(), bool),
    },
)
CUSTOMER_FILES = Statement(
    Attachment,
    where=f't0."{_column(Attachment, "ticket")}" = %s AND t0."{_column(Attachment, "public")}"',
    order='t0."id"',
)
CUSTOMER_EVENTS = Statement(
    TicketEvent,
    where=f't0."{_column(TicketEvent, "ticket")}" = %s AND {customer_visible_sql("t0")}',
    order='t0."at", t0."id"',
)


def customer_ticket(resident_id, pk):
    """The resident's own ticket `pk` as `tickets_of_customer(resident_id)` reads it, with its
    rating when `rated`; None for anybody else's ticket or no ticket."""
    if resident_id is None or not is_key(pk):
        return None
    return CUSTOMER_TICKET.first([pk, resident_id])


def customer_files(ticket) -> list:
    """`public_attachments(ticket)` as a list, without the uploader (the customer's pages
    never name staff)."""
    return CUSTOMER_FILES.all([ticket.pk])


def customer_timeline(ticket) -> list:
    """The ticket's timeline as its customer sees it (portal page, portal API): the rows
    tickets/visibility.py lets them read, each with only the text written to them."""
    return [row for row in map(customer_row, CUSTOMER_EVENTS.all([ticket.pk])) if row is not None]


def customer_answered(ticket) -> bool:
    """Whether the customer has been answered: closed, followed up, given feedback, or a
    public answer or message of staff on the timeline."""
    if ticket.closed_at or ticket.followed_up_at or ticket.feedback_at:
        return True
    if hasattr(ticket, "staff_answered"):
        return ticket.staff_answered
    return ticket.events.filter(_staff_answers()).exists()


def customer_confirmed(ticket) -> bool:
    """Whether the customer has accepted the result."""
    if hasattr(ticket, "customer_has_confirmed"):
        return ticket.customer_has_confirmed
    return ticket.events.filter(kind=EventKind.CONFIRMED).exists()


def customer_stage(ticket) -> CustomerStage:
    """The stage the customer is shown: done once closed or once they accepted the result;
    waiting for them once they have been answered (they may confirm and rate); received
    while nobody has taken it further; in progress otherwise (a transfer, an investigation,
    a decision being fed back: never those internal words)."""
    if ticket.status == Status.CLOSED or customer_confirmed(ticket):
        return CustomerStage.DONE
    if customer_answered(ticket):
        return CustomerStage.YOUR_TURN
    if ticket.status == Status.OPEN:
        return CustomerStage.RECEIVED
    return CustomerStage.IN_PROGRESS


def customer_stages(ticket) -> list[tuple[str, str, str]]:
    """The portal's progress stepper: (stage, label, "done" | "current" | "todo") in order."""
    current = list(CustomerStage).index(customer_stage(ticket))
    return [
        (
            stage.value,
            str(stage.label),
            "done" if i < current else "current" if i == current else "todo",
        )
        for i, stage in enumerate(CustomerStage)
    ]


def customer_confirmation(ticket):
    """The row where the customer accepted the result (the first), or None."""
    return ticket.events.filter(kind=EventKind.CONFIRMED).order_by("at").first()


def ticket_handlers(ticket) -> tuple[list, list]:
    """Who handled the ticket (its owner, department assignees and repliers, and staff who
    answered the customer) and which departments: the people a rating counts for."""
    people, departments = {}, {}
    if ticket.owner_id:
        people[ticket.owner_id] = ticket.owner
    if ticket.department_id:
        departments[ticket.department_id] = ticket.department
    for d in ticket.dispatches.filter(cancelled_at__isnull=True).select_related(
        "department", "assignee", "replied_by"
    ):
        departments[d.department_id] = d.department
        for user in (d.assignee, d.replied_by):
            if user is not None:
                people[user.pk] = user
    # Whoever answered or contacted the customer, whatever the row's audience (a follow-up's
    # text is the desk's record, yet the person followed up).
    answered = ticket.events.filter(
        kind__in=CUSTOMER_ANSWER_KINDS,
        actor__kind=UserKind.STAFF,
        actor__staff__isnull=False,
    ).select_related("actor")
    for event in answered:
        people[event.actor_id] = event.actor
    return list(people.values()), list(departments.values())


# ---------------------------------------------------------------------------------------------
# What notifications reads of tickets: the resident's view of a timeline row.


def event_reaches_resident(event) -> bool:
    """May the ticket's resident see this timeline row (the rule of tickets/visibility.py)?"""
    return customer_visible(event)


def event_text_for_resident(event) -> str:
    """What the resident may read of a timeline row ('' for a transfer or a return visit)."""
    return customer_text(event)


def notice_event(event_id: int):
    """A timeline row with its ticket and resident, for the resident's notice (or None)."""
    return TicketEvent.objects.select_related("ticket__resident").filter(pk=event_id).first()


def ticket_with_resident(ticket_id: int | None):
    """A ticket with its resident (or None): the system's read, no user's scope."""
    if ticket_id is None:
        return None
    return Ticket.objects.filter(pk=ticket_id).select_related("resident").first()
