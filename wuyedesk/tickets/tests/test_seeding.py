import pytest
from django.core.management import call_command

from wuyedesk.tickets import selectors
from wuyedesk.tickets.choices import Status
from wuyedesk.tickets.models import Ticket, TicketEvent


@pytest.mark.django_db
def test_seed_with_tickets_gives_a_realistic_desk():
    call_command("seed", communities=2, households=60, seed=5, tickets=300)
    assert Ticket.objects.count() == 300
    assert TicketEvent.objects.count() > 300
    closed = Ticket.objects.filter(status=Status.CLOSED).count()
    assert 100 < closed < 300
    assert Ticket.objects.filter(first_contact_resolution=True).exists()
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 300
    for ticket in Ticket.objects.all()[:50]:
        ticket.full_clean(exclude=["search_text"])


@pytest.mark.django_db
def test_seeded_tickets_are_searchable_and_new_numbers_follow_on():
    from wuyedesk.accounts.models import User

    call_command("seed", communities=1, households=30, seed=2, tickets=400)
    manager = User.objects.get(username="manager")
    leaking = Ticket.objects.filter(description__contains="漏水").count()
    assert leaking > 0
    found = selectors.search(selectors.queue(manager, "all"), "漏水")
    assert found.count() == leaking
    # A ticket taken now continues the day's numbering instead of colliding.
    from wuyedesk.properties.models import Room
    from wuyedesk.tickets.models import Category
    from wuyedesk.tickets.services import ticket_create

    room = Room.objects.first()
    ticket_create(
        by=manager,
        kind="inquiry",
        channel="phone",
        category=Category.objects.get(code="FEES"),
        title="",
        description="发票",
        room=room,
    )
    assert Ticket.objects.values("number").distinct().count() == 401
