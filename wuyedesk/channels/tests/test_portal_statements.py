"""The portal's reads of a ticket are hand-written statements (tickets/customer.py, issue #12
Speed): they read what the ORM's querysets read. The customer's ticket with its stage's two
flags and its rating, its files and its timeline, through each state that changes a flag,
and nothing of anybody else's."""

from django.core.files.uploadedfile import SimpleUploadedFile

from wuyedesk.channels.selectors import my_ticket, rating_of
from wuyedesk.channels.services import portal_confirm, portal_rate
from wuyedesk.channels.tests.conftest import PNG, answer
from wuyedesk.tickets.customer import (
    CUSTOMER_RELATED,
    customer_files,
    customer_ticket,
    customer_timeline,
    public_attachments,
    tickets_of_customer,
)
from wuyedesk.tickets.models import Attachment, TicketEvent
from wuyedesk.tickets.services import ticket_comment, ticket_transfer
from wuyedesk.tickets.tests.test_statements import same
from wuyedesk.tickets.visibility import customer_row, customer_visible_q

FLAGS = ("staff_answered", "customer_has_confirmed")


def _held_equal(resident_id, ticket):
    ours = customer_ticket(resident_id, ticket.pk)
    orms = tickets_of_customer(resident_id).select_related("rating").get(pk=ticket.pk)
    same(ours, orms, *CUSTOMER_RELATED, "building", "community")
    assert {f: getattr(ours, f) for f in FLAGS} == {f: getattr(orms, f) for f in FLAGS}
    orms_rating = getattr(orms, "rating", None) if hasattr(orms, "rating") else None
    assert ours.rated is (orms_rating is not None)
    if orms_rating is not None:
        same(rating_of(ours), orms_rating)
    # The files and the timeline the customer reads.
    assert [a.pk for a in customer_files(ours)] == [a.pk for a in public_attachments(orms)]
    for mine, theirs in zip(customer_files(ours), public_attachments(orms), strict=True):
        same(mine, theirs)
    events = orms.events.filter(customer_visible_q()).order_by("at", "id")
    assert customer_timeline(ours) == [r for r in map(customer_row, events) if r is not None]
    return ours


def test_the_customers_ticket_reads_as_the_orm_reads_it_through_each_stage(
    world, submitted, neighbour
):
    resident_id = world.resident.resident_id
    ticket = submitted(kind="repair", photos=[SimpleUploadedFile("漏水.png", PNG)])
    read = _held_equal(resident_id, ticket)
    assert (read.staff_answered, read.customer_has_confirmed, read.rated) == (False, False, False)

    # Internal rows, a file staff keep to themselves and a transfer (told without its note).
    ticket_comment(by=world.specialist, ticket=ticket, text="内部备注")
    Attachment.objects.create(
        ticket=ticket, file="x/plan.pdf", name="plan.pdf", size=3, content_type="application/pdf",
        public=False, uploaded_by=world.specialist,
    )  # fmt: skip
    ticket_transfer(by=world.specialist, ticket=ticket, department=world.engineering, note="急")
    assert _held_equal(resident_id, ticket).staff_answered is False

    # A public row without an actor (the system's) answers; the resident's own does not.
    TicketEvent.objects.create(ticket=ticket, kind="message", public=True, body="系统通知")
    assert _held_equal(resident_id, ticket).staff_answered is True
    other = submitted(kind="repair")
    answer(world, other)
    assert _held_equal(resident_id, other).staff_answered is True

    portal_confirm(by=world.resident, ticket=my_ticket(world.resident, other.pk), text="好了")
    assert _held_equal(resident_id, other).customer_has_confirmed is True
    portal_rate(by=world.resident, ticket=my_ticket(world.resident, other.pk), stars=4)
    rated = _held_equal(resident_id, other)
    assert rated.rated and rating_of(rated).stars == 4


def test_nobody_elses_ticket_and_no_ticket_read_as_none(world, submitted, neighbour):
    theirs = submitted(by=neighbour, room=world.rooms_a[1])
    assert customer_ticket(neighbour.resident_id, theirs.pk) is not None
    assert customer_ticket(world.resident.resident_id, theirs.pk) is None
    assert customer_ticket(None, theirs.pk) is None
    assert customer_ticket(neighbour.resident_id, "1") is None
    assert customer_ticket(neighbour.resident_id, 2**70) is None
