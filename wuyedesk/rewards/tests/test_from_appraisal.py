"""Proposals from a published appraisal (issue #16 point 5): the bands of the appraisal app's
published results (appraisal.selectors.published_results) and the switches of the cycle's
regulation version; the manager's reach only; asked again, nothing twice."""

from django.urls import reverse

from wuyedesk.appraisal.models import Appraisal
from wuyedesk.appraisal.services import workflow
from wuyedesk.appraisal.tests.conftest import open_cycle
from wuyedesk.rewards.from_appraisal import propose_from_appraisal
from wuyedesk.rewards.models import Measure
from wuyedesk.testing import assert_api_error, policy_in_force


def _publish(world, cycle, person, rating):
    appraisal = Appraisal.objects.get(cycle=cycle, person=person)
    workflow.review(by=world.manager, appraisal=appraisal, rating=rating, reason="评分理由")
    workflow.publish(by=world.manager, appraisal=appraisal)
    appraisal.refresh_from_db()
    return appraisal


def test_excellent_and_failed_bands_become_proposals(world, client_as, api_as):
    cycle = open_cycle(world.manager, previous=True)
    good = _publish(world, cycle, world.specialist, 100)
    bad = _publish(world, cycle, world.assistant, 0)
    assert (good.band, bad.band) == ("excellent", "fail")
    # Unpublished: the supervisor's appraisal is computed but not published.
    page = client_as(world.manager).get(reverse("rewards:list"))
    assert 'id="from-appraisal-form"' in page.content.decode()
    bad_post = client_as(world.manager).post(reverse("rewards:from_appraisal"), {"cycle": 10**9})
    assert bad_post.status_code == 422 and Measure.objects.count() == 0
    done = client_as(world.manager).post(reverse("rewards:from_appraisal"), {"cycle": cycle.pk})
    assert done.status_code == 302
    made = {(m.staff.user_id, m.kind): m for m in Measure.objects.all()}
    assert set(made) == {(world.specialist.pk, "commendation"), (world.assistant.pk, "warning")}
    proposal = made[(world.specialist.pk, "commendation")]
    assert proposal.source == "appraisal" and proposal.status == "proposed"
    assert proposal.appraisal_score == good.total and str(good.total) in proposal.facts
    # Asked again (through the API): nothing twice.
    again = api_as(world.manager).post("/api/v1/rewards/from-appraisal", {"cycle": cycle.pk})
    assert again.status_code == 200 and again.json() == []
    assert Measure.objects.count() == 2
    # Not a manager: 403; the specialist's own page has no such form.
    denied = api_as(world.specialist).post("/api/v1/rewards/from-appraisal", {"cycle": cycle.pk})
    assert_api_error(denied, 403, "permission_denied")
    page = client_as(world.specialist).get(reverse("rewards:list"))
    assert 'id="from-appraisal-form"' not in page.content.decode()


def test_the_cycles_version_decides_and_the_reach_limits(world):
    policy_in_force(reward_propose_excellent=False)
    cycle = open_cycle(world.manager, previous=True)
    _publish(world, cycle, world.specialist, 100)
    _publish(world, cycle, world.assistant, 0)
    policy_in_force(reward_propose_excellent=True)  # later: not this cycle's version
    made = propose_from_appraisal(by=world.manager, cycle=cycle)
    assert [(m.staff.user_id, m.kind) for m in made] == [(world.assistant.pk, "warning")]
    # An executive proposes nothing (only managers do); another community's manager has no
    # one of this cycle in reach.
    from wuyedesk.testing import make_staff

    other = make_staff("manager-b", ["manager"], [world.b], None, "B经理")
    assert propose_from_appraisal(by=other, cycle=cycle) == []
