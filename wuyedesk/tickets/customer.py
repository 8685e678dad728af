"""What the resident's side (channels: the portal, its API and seeding) reads of tickets:
their own tickets, the files they may see, the stage they are shown and who handled a
ticket. Other apps read these through tickets.selectors, which names them."""

from django.db.models import Exists, OuterRef, Q

from wuyedesk.accounts.choices import UserKind
from wuyedesk.tickets.choices import CustomerStage, EventKind, Status
from wuyedesk.tickets.models import Ticket, TicketEvent
from wuyedesk.tickets.visibility import customer_text, customer_visible


def tickets_of_customer(resident_id: int):
    """The tickets a resident raised (or that were recorded for them), newest first, with what
    their lists show (the stage of each, without a query per row). Nobody else's: the caller
    passes the resident's own id."""
    return with_customer_stage(
        Ticket.objects.filter(resident_id=resident_id)
        .select_related("category", "category__parent", "room__unit__building__community")
        .select_related("building", "community")
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
