import pytest
from django.core.management import call_command

from wuyedesk.channels.models import Announcement, Rating
from wuyedesk.channels.seeding import MAX_RATINGS, seed_demo
from wuyedesk.tickets.models import TicketEvent


@pytest.mark.django_db
def test_seed_adds_bounded_deterministic_announcements_and_ratings():
    call_command("seed", communities=2, households=60, seed=3, tickets=400)
    announcements, ratings = Announcement.objects.count(), Rating.objects.count()
    assert announcements == 4
    assert 0 < ratings <= MAX_RATINGS
    assert TicketEvent.objects.filter(kind="rating", public=True).count() == ratings
    for rating in Rating.objects.select_related("ticket")[:20]:
        assert rating.ticket.status == "closed" and rating.ticket.resident_id == rating.resident_id
        assert 1 <= rating.stars <= 5
    first = sorted(Rating.objects.values_list("ticket_id", "stars"))
    Rating.objects.all().delete()
    TicketEvent.objects.filter(kind="rating").delete()
    seed_demo(seed=3)
    assert sorted(Rating.objects.values_list("ticket_id", "stars")) == first
