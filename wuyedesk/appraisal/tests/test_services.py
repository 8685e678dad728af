"""The appraisal computed from the work (MGT-6, SUP-2) and its fairness (MGT-9)."""

import datetime as dt
from decimal import Decimal

import django.test
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.appraisal import selectors
from wuyedesk.appraisal.choices import Band, Component, DisputeStatus, Event, Status
from wuyedesk.appraisal.models import Appraisal, Change
from wuyedesk.appraisal.services import workflow
from wuyedesk.appraisal.tests.conftest import open_cycle, quarter_day
from wuyedesk.audit.models import AuditEntry
from wuyedesk.testing import policy_in_force
from wuyedesk.training.tests.conftest import held, induction  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _mine(cycle, user):
    return Appraisal.objects.get(cycle=cycle, person=user)


def test_acceptance_the_specialists_appraisal_equals_the_hand_computed_value(records):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    assert cycle.status == "computed"
    assert cycle.weights == {
        "attitude": 20,
        "quality": 40,
        "satisfaction": 30,
        "attendance": 10,
        "training": 0,
    }
    a = _mine(cycle, world.specialist)
    assert a.parts == {
        "deadline": 75.0,
        "first_contact": 50.0,
        "inspection": 80.0,
        "rating": 60.0,
        "return_visit": 75.0,
        "conduct": 90.0,
        "complaint": 80.0,
        "attendance": 87.5,
    }
    # quality (75+50+80)/3 = 68.33; satisfaction (60+75)/2 = 67.5; attitude (90+80)/2 = 85;
    # attendance (3×100 + 50)/4 = 87.5.
    # (20×85 + 40×68.333 + 30×67.5 + 10×87.5) / 100 = 73.33
    assert a.total == Decimal("73.3")
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="礼貌用语偶有疏漏")
    a.refresh_from_db()
    # attitude (90+80+70)/3 = 80 -> (20×80 + 40×68.333 + 30×67.5) / 90 = 72.35
    assert a.total == Decimal("72.3")
    assert a.band == Band.PASS
    assert a.scores["attitude"] == 80.0


def test_acceptance_a_new_regulation_version_changes_the_next_cycle_only(records):
    from wuyedesk.supervision.models import Inspection

    world = records
    previous = open_cycle(world.manager, previous=True)
    policy_in_force(
        appraisal_weight_attitude=30,
        appraisal_weight_quality=30,
        appraisal_weight_satisfaction=40,
        appraisal_weight_attendance=0,
        appraisal_weight_training=0,
    )
    # The open cycle keeps its weights: the review recomputes it with them.
    a = _mine(previous, world.specialist)
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="礼貌用语偶有疏漏")
    a.refresh_from_db()
    previous.refresh_from_db()
    assert previous.weights["quality"] == 40
    assert a.total == Decimal("72.3")
    # This quarter: a ticket inspection of 90 and an on-site one of 50.
    at = quarter_day()
    for kind, score in (("ticket", 90), ("onsite", 50)):
        Inspection.objects.create(
            kind=kind,
            status="closed",
            inspected=world.specialist,
            inspector=world.supervisor,
            due=at.date(),
            score=score,
            created_by=world.supervisor,
            closed_at=at,
        )
    current = open_cycle(world.manager)
    assert current.weights == {
        "attitude": 30,
        "quality": 30,
        "satisfaction": 40,
        "attendance": 0,
        "training": 0,
    }
    b = _mine(current, world.specialist)
    # quality 90, attitude (50+100)/2 = 75, no satisfaction: (30×75 + 30×90)/60 = 82.5
    # (the old weights would give (20×75 + 40×90)/60 = 85.0).
    assert b.total == Decimal("82.5")


def test_acceptance_a_contested_rating_of_another_persons_ticket_is_left_out(records):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = _mine(cycle, world.specialist)
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="礼貌用语偶有疏漏")
    workflow.publish(by=world.manager, appraisal=a)
    a.refresh_from_db()
    assert a.total == Decimal("72.3")
    wrong = a.items.get(component=Component.RATING, ref_id=world.other_ticket.pk)
    dispute = workflow.dispute_open(
        by=world.specialist, appraisal=a, item=wrong, comment="这是B专员的工单,不是我处理的"
    )
    workflow.dispute_answer(
        by=world.manager, dispute=dispute, decision="accepted", answer="核实为误归属,予以剔除"
    )
    a.refresh_from_db()
    # ratings (100+60)/2 = 80; satisfaction (80+75)/2 = 77.5
    # (20×80 + 40×68.333 + 30×77.5 + 10×87.5) / 100 = 75.33
    assert a.total == Decimal("75.3")
    assert a.status == Status.PUBLISHED
    answered = Change.objects.get(appraisal=a, event=Event.ANSWERED)
    assert (answered.before, answered.after) == (Decimal("72.3"), Decimal("75.3"))
    assert "不是我处理的" in answered.reason and "误归属" in answered.reason
    assert AuditEntry.objects.filter(object_type="appraisal.dispute").count() == 2
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.ACCEPTED


def test_one_ticket_of_a_row_is_contested_and_partly_accepted(records):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = _mine(cycle, world.specialist)
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="理由")
    workflow.publish(by=world.manager, appraisal=a)
    met = a.items.get(component=Component.DEADLINE, value=100)
    assert met.count == 3 and [r[0] for r in met.refs] == sorted(t.pk for t in world.tickets[:3])
    with pytest.raises(ValidationError):
        workflow.dispute_open(
            by=world.specialist, appraisal=a, item=met, ref=world.other_ticket.pk, comment="x"
        )
    # The missed one: a row of its own (one ticket) contested through its ref.
    missed = a.items.get(component=Component.DEADLINE, value=0)
    assert missed.count == 1 and missed.refs[0][0] == world.tickets[3].pk
    dispute = workflow.dispute_open(
        by=world.specialist,
        appraisal=a,
        item=missed,
        ref=world.tickets[3].pk,
        comment="客户改约",
    )
    with pytest.raises(ValidationError):
        workflow.dispute_answer(
            by=world.manager, dispute=dispute, decision="partly", answer="部分", adjusted="abc"
        )
    workflow.dispute_answer(
        by=world.manager, dispute=dispute, decision="partly", answer="部分属实", adjusted=50
    )
    a.refresh_from_db()
    assert a.parts["deadline"] == 87.5  # (100×3 + 50) / 4
    own = a.items.get(component=Component.DEADLINE, ref_id=world.tickets[3].pk)
    assert own.adjusted == 50 and own.count == 1
    missed.refresh_from_db()
    assert missed.count == 0 and missed.refs == []
    # Accepting one ticket of the row of three leaves the two others.
    second = workflow.dispute_open(
        by=world.specialist, appraisal=a, item=met, ref=world.tickets[0].pk, comment="重复登记"
    )
    workflow.dispute_answer(by=world.manager, dispute=second, decision="accepted", answer="属实")
    a.refresh_from_db()
    met.refresh_from_db()
    assert met.count == 2
    assert a.parts["deadline"] == 83.3  # (100×2 + 50) / 3


def test_results_are_hidden_until_published_and_the_window_closes(records):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = _mine(cycle, world.specialist)
    page = selectors.detail(world.specialist, a)
    assert not page["visible"] and page["changes"] == []
    assert all(c["score"] is None for c in page["criteria"])
    with pytest.raises(ValidationError):
        workflow.publish(by=world.manager, appraisal=a)  # not reviewed
    workflow.self_assess(by=world.specialist, appraisal=a, text="本季度认真负责")
    workflow.review(by=world.manager, appraisal=a, rating=80, reason="好")
    workflow.publish(by=world.manager, appraisal=a)
    a.refresh_from_db()
    assert selectors.detail(world.specialist, a)["visible"]
    assert a.dispute_until - a.published_at == dt.timedelta(days=7)
    # Locked once published: no review, no self-assessment until reopened with a reason.
    with pytest.raises(ValidationError):
        workflow.review(by=world.manager, appraisal=a, rating=90, reason="再评")
    with pytest.raises(ValidationError):
        workflow.reopen(by=world.manager, appraisal=a, reason="  ")
    workflow.reopen(by=world.manager, appraisal=a, reason="补充材料")
    a.refresh_from_db()
    assert a.status == Status.REVIEWED
    assert Change.objects.filter(appraisal=a, event=Event.REOPENED, reason="补充材料").exists()
    workflow.publish(by=world.manager, appraisal=a)
    a.refresh_from_db()
    Appraisal.objects.filter(pk=a.pk).update(dispute_until=timezone.now() - dt.timedelta(hours=1))
    a.refresh_from_db()
    with pytest.raises(ValidationError):
        workflow.dispute_open(by=world.specialist, appraisal=a, item=None, comment="晚了")


def test_the_review_needs_a_reason_and_a_rating_in_range(records):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = _mine(cycle, world.specialist)
    for rating, reason, field in (
        (70, "  ", "reason"),
        (101, "好", "rating"),
        (None, "好", "rating"),
    ):
        with pytest.raises(ValidationError) as caught:
            workflow.review(by=world.manager, appraisal=a, rating=rating, reason=reason)
        assert field in caught.value.error_dict
    a.refresh_from_db()
    assert a.manager_rating is None and a.status == Status.DRAFT


def test_who_may_see_and_review(records):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = _mine(cycle, world.specialist)
    visible = selectors.appraisals_visible_to
    assert visible(world.manager).filter(pk=a.pk).exists()
    assert visible(world.executive).filter(pk=a.pk).exists()
    # Another department's worker, another specialist and the administrator: nothing.
    for user in (world.worker, world.specialist_b, world.admin, world.supervisor):
        assert not visible(user).filter(pk=a.pk).exists()
    # The manager never reviews their own appraisal; an executive does.
    own = _mine(cycle, world.manager)
    with pytest.raises(PermissionDenied):
        workflow.review(by=world.manager, appraisal=own, rating=80, reason="自评")
    workflow.review(by=world.executive, appraisal=own, rating=80, reason="好")
    with pytest.raises(PermissionDenied):
        workflow.review(by=world.specialist_b, appraisal=a, rating=80, reason="x")
    with pytest.raises(PermissionDenied):
        workflow.self_assess(by=world.specialist_b, appraisal=a, text="x")
    # Only the person contests, only the reviewer answers.
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="x")
    workflow.publish(by=world.manager, appraisal=a)
    with pytest.raises(PermissionDenied):
        workflow.dispute_open(by=world.manager, appraisal=a, item=None, comment="x")
    dispute = workflow.dispute_open(by=world.specialist, appraisal=a, item=None, comment="整体")
    with pytest.raises(PermissionDenied):
        workflow.dispute_answer(
            by=world.specialist, dispute=dispute, decision="accepted", answer="x"
        )
    with pytest.raises(ValidationError):
        workflow.dispute_answer(by=world.manager, dispute=dispute, decision="maybe", answer="x")


def test_the_cycle_opens_once_per_quarter_and_not_for_the_future(world):
    from wuyedesk.appraisal.services import cycles

    open_cycle(world.manager, previous=True)
    year, quarter = cycles.previous_quarter(timezone.localdate())
    with pytest.raises(ValidationError):
        cycles.cycle_open(by=world.manager, year=year, quarter=quarter)
    with pytest.raises(ValidationError):
        cycles.cycle_open(by=world.manager, year=timezone.localdate().year + 1, quarter=1)
    with pytest.raises(ValidationError):
        cycles.cycle_open(by=world.manager, year=year, quarter=5)
    with pytest.raises(PermissionDenied):
        cycles.cycle_open(by=world.specialist, year=year, quarter=quarter)


def test_the_worker_opens_the_ended_quarter_once(world):
    from wuyedesk.appraisal.models import Cycle
    from wuyedesk.appraisal.tasks import appraisal_open_task

    with django.test.TestCase.captureOnCommitCallbacks(execute=True):
        appraisal_open_task()
        appraisal_open_task()
    cycle = Cycle.objects.get()
    assert cycle.opened_by is None and cycle.status == "computed"
    assert cycle.appraisals.filter(person=world.specialist).exists()
    assert not cycle.appraisals.filter(person=world.executive).exists()


def test_published_results_for_rewards(records):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = _mine(cycle, world.specialist)
    assert selectors.published_results(cycle) == []
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="x")
    workflow.publish(by=world.manager, appraisal=a)
    assert selectors.published_results(cycle) == [(world.specialist.pk, Decimal("72.3"), "pass")]


def test_training_counts_where_the_version_in_force_weighs_it(world, induction, held):  # noqa: F811
    from wuyedesk.training.selectors import training_summary

    policy_in_force(
        appraisal_weight_attitude=20,
        appraisal_weight_quality=30,
        appraisal_weight_satisfaction=30,
        appraisal_weight_attendance=10,
        appraisal_weight_training=10,
    )
    person = world.specialist
    held(induction[1], [person], {person: 80}, days_ago=1)
    held(induction[2], [person], {person: 50}, days_ago=1)
    cycle = open_cycle(world.manager)
    a = _mine(cycle, person)
    f = training_summary([person.pk], cycle.start, cycle.end)[person.pk]
    records = f.sessions_required + f.exams_taken + f.mandatory_overdue
    expected = 100 * (f.sessions_attended + f.exams_passed) / records
    assert records > 0 and a.parts["training"] == round(expected, 1)
    rows = a.items.filter(component=Component.TRAINING)
    assert sum(rows.values_list("count", flat=True)) == records
    # No service record of theirs: no total from the defaults until the manager rates them.
    assert a.total is None
    workflow.review(by=world.manager, appraisal=a, rating=100, reason="按时参加培训")
    a.refresh_from_db()
    # attitude 100 (no complaint, rated 100), training as above, nothing else:
    assert a.total == Decimal(str(round((20 * 100 + 10 * expected) / 30, 1)))


def test_no_total_without_the_service_itself(records, client_as):
    """Someone with no ticket, rating, return visit, inspection or survey answer of theirs in
    the quarter is not graded "excellent" on the absence of complaints alone, only once the
    manager has rated them."""
    world = records
    cycle = open_cycle(world.manager, previous=True)
    others = cycle.appraisals.exclude(person=world.specialist)
    empty = [a for a in others if not a.scores.get("quality") and not a.scores.get("satisfaction")]
    assert empty, "the fixture has a colleague without service records"
    for a in empty:
        assert a.total is None and a.band == ""
        assert a.parts.get("complaint") == 100.0  # the part is still shown, with its formula
    assert _mine(cycle, world.specialist).total == Decimal("73.3")
    assert selectors.published_results(cycle) == []
    page = client_as(world.manager).get(f"/appraisal/{empty[0].pk}/").content.decode()
    assert 'id="appraisal-no-total"' in page
    # The manager's rating, with its reason, is a judgement of the work: then a total.
    workflow.review(by=world.manager, appraisal=empty[0], rating=70, reason="带教新人,认真负责")
    empty[0].refresh_from_db()
    assert empty[0].total is not None and empty[0].band == Band.PASS
