from wuyedesk.telephony.models import Call


def test_demo_calls_are_bounded_deterministic_and_once(db):
    from wuyedesk.properties.seeding import seed
    from wuyedesk.telephony.seeding import seed_demo
    from wuyedesk.tickets.seeding import seed_tickets

    seed(communities=2, households=60, seed=3)
    seed_tickets(count=300, seed=3)
    counts = seed_demo(seed=3)
    assert 0 < counts["calls"] <= 500
    assert Call.objects.count() == counts["calls"]
    first = list(Call.objects.order_by("id").values_list("number", "duration", "ticket_id"))
    assert seed_demo(seed=3) == {"calls": 0}
    assert Call.objects.filter(ticket__isnull=False, community__isnull=True).count() == 0
    assert (
        Call.objects.filter(purpose="follow_up", ticket__followed_up_at__isnull=True).count() == 0
    )
    Call.objects.all().delete()
    seed_demo(seed=3)
    again = list(Call.objects.order_by("id").values_list("number", "duration", "ticket_id"))
    assert again == first
