"""The demo: a commendation in effect, a bonus and a warning waiting on the manager's home
(and the proposals of the published appraisal results, if any)."""

import re

import pytest
from django.core.management import call_command

from wuyedesk.rewards.models import Measure


@pytest.mark.django_db
def test_demo_rewards(client_as):
    from wuyedesk.accounts.selectors import first_manager
    from wuyedesk.rewards.seeding import seed_demo

    call_command("seed", communities=2, households=160, seed=4, tickets=200)
    made = list(Measure.objects.filter(source="manager").values_list("kind", "status"))
    assert sorted(made) == [
        ("bonus", "proposed"),
        ("commendation", "approved"),
        ("warning", "proposed"),
    ]
    assert seed_demo(seed=4) == {}  # once only
    waiting = Measure.objects.filter(status="proposed").count()
    html = client_as(first_manager()).get("/").content.decode()
    found = re.search(r'data-figure="rewards_waiting" data-count="(\d+)"', html)
    assert found is not None and int(found.group(1)) == waiting >= 2
