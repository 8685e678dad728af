"""The demo: the induction courses passed by the demo specialists and assistants (so the
gate lets them work), a refresher due soon for one of them, the next one scheduled."""

import pytest
from django.core.management import call_command

from wuyedesk.accounts.models import User
from wuyedesk.training import selectors
from wuyedesk.training.models import Course, Session


@pytest.mark.django_db
def test_demo_training():
    from wuyedesk.training.seeding import seed_demo

    call_command("seed", communities=2, households=160, seed=4, tickets=50)

    assert Course.objects.filter(kind="induction").count() == 3
    people = User.objects.filter(staff__posts__post__in=["specialist", "assistant"])
    assert selectors.induction_blocked_ids(people.values_list("pk", flat=True)) == set()
    due = [
        item
        for items in selectors.due_trainings(people.values_list("pk", flat=True)).values()
        for item in items
    ]
    assert [item.state for item in due] == ["due_soon"]
    assert Session.objects.filter(status="planned").count() == 1
    assert seed_demo(seed=4) == {}  # once only
