"""The demo's staff management (`wuyedesk seed`: appraisal, then rewards, then recruitment):
what the manager and the specialists find, each home number equal to its list, once only."""

import re

import pytest

from wuyedesk.appraisal.choices import DisputeStatus, Status
from wuyedesk.appraisal.models import Appraisal, Cycle, Dispute
from wuyedesk.appraisal.services.cycles import previous_quarter, today
from wuyedesk.rewards.models import Measure

pytestmark = pytest.mark.django_db

FIGURE = r'href="([^"]+)" data-figure="{key}" data-count="(\d+)"'


def _seed():
    from wuyedesk.appraisal.seeding import seed_demo as appraisal
    from wuyedesk.recruitment.seeding import seed_demo as recruitment
    from wuyedesk.rewards.seeding import seed_demo as rewards

    return [seeder(seed=1) for seeder in (appraisal, rewards, recruitment)]


def _figure(client, key, table, row="<tr data-"):
    """(the home's number, the rows of the list it links to: those of its table)."""
    home = client.get("/").content.decode()
    found = re.search(FIGURE.format(key=key), home)
    assert found is not None, key
    listing = client.get(found.group(1).replace("&amp;", "&"))
    assert listing.status_code == 200
    html = listing.content.decode()
    start = html.index(f'id="{table}"')
    return int(found.group(2)), html[start : html.index("</table>", start)].count(row)


def test_demo_appraisal_rewards_and_recruitment(records, client_as):
    world = records
    counts = _seed()
    assert counts[0]["appraisal disputes"] == 2 and counts[0]["appraisals"] >= 3
    cycle = Cycle.objects.get()
    assert (cycle.year, cycle.quarter) == previous_quarter(today())
    assert cycle.status == "computed"
    mine = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    other = Appraisal.objects.get(cycle=cycle, person=world.specialist_b)
    assert mine.status == other.status == Status.PUBLISHED
    # The specialist contests a record behind their score (their quarter has records).
    waiting = Dispute.objects.get(appraisal=mine)
    assert waiting.status == DisputeStatus.OPEN and waiting.item is not None
    answered = Dispute.objects.get(appraisal=other)
    assert answered.status in (DisputeStatus.PARTLY, DisputeStatus.REJECTED)
    assert Appraisal.objects.filter(cycle=cycle, status=Status.DRAFT).exists()  # to review
    statuses = set(Measure.objects.values_list("kind", "status"))
    assert {("commendation", "approved"), ("bonus", "proposed"), ("warning", "proposed")} <= (
        statuses
    )

    manager = client_as(world.manager)
    for key, table in (
        ("appraisal_disputes", "dispute-list"),
        ("appraisal_waiting", "appraisal-listed"),
        ("rewards_waiting", "measures"),
        ("candidates_waiting", "candidate-list"),
    ):
        n, rows = _figure(manager, key, table)
        assert n > 0 and n == rows, (key, n, rows)
    page = manager.get(f"/appraisal/{mine.pk}/").content.decode()
    assert waiting.comment in page

    specialist = client_as(world.specialist)
    n, rows = _figure(specialist, "appraisal_published", "appraisal-listed")
    assert n == rows == 1
    n, rows = _figure(specialist, "rewards_decided", "measures")
    assert n == rows == 1  # the commendation
    n, rows = _figure(client_as(world.specialist_b), "appraisal_answered", "appraisal-listed")
    assert n == rows == 1

    assert _seed() == [{}, {}, {}]  # once only
    assert Dispute.objects.count() == 2 and Cycle.objects.count() == 1
