import datetime as dt

import django.test
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.improvements.choices import Source
from wuyedesk.supervision import access, selectors
from wuyedesk.supervision.choices import Kind, PlanStatus, Status
from wuyedesk.supervision.models import Finding, GroupMember, Inspection
from wuyedesk.supervision.services import calibration, group, inspections, sampling
from wuyedesk.supervision.tests.conftest import ITEMS, all_pass
from wuyedesk.testing import policy_in_force


def _plan(world, n=5, seed=42, by=None):
    plan = sampling.plan_create(
        by=by or world.supervisor,
        month=timezone.localdate(),
        tickets_per_person=n,
        calls_per_person=0,
        people=[world.specialist],
        seed=seed,
    )
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):  # immediate huey
        sampling.plan_request_sample(by=by or world.supervisor, plan=plan)
    plan.refresh_from_db()
    return plan


def _sampled(plan):
    return list(
        plan.inspections.filter(status=Status.OPEN)
        .order_by("sample_rank")
        .values_list("ticket_id", flat=True)
    )


def test_only_the_manager_or_an_executive_appoints_and_only_supervisors(world):
    with pytest.raises(PermissionDenied):
        group.member_appoint(by=world.specialist, user=world.supervisor, remit="x")
    with pytest.raises(ValidationError) as error:
        group.member_appoint(by=world.manager, user=world.specialist, remit="检查")
    assert "user" in error.value.error_dict
    with pytest.raises(ValidationError):
        group.member_appoint(by=world.manager, user=world.supervisor, remit="  ")
    assert not GroupMember.objects.exists()
    member = group.member_appoint(by=world.executive, user=world.supervisor, remit="检查")
    assert access.is_inspector(world.supervisor)
    group.member_end(by=world.manager, member=member)
    assert not access.is_inspector(world.supervisor)


def test_a_checklist_change_is_a_new_version_and_inspections_keep_theirs(group, tickets):
    world = group
    first = inspections.inspection_create(
        by=world.supervisor, kind=Kind.TICKET, person=world.specialist, ticket=tickets[0]
    )
    changed = [*ITEMS, {"code": "G4", "text": "情绪安抚", "weight": 10}]
    second = group_checklist(world, changed)
    assert (first.checklist.version, second.version) == (1, 2)
    later = inspections.inspection_create(
        by=world.supervisor, kind=Kind.TICKET, person=world.specialist, ticket=tickets[1]
    )
    first.refresh_from_db()
    assert first.checklist.version == 1 and later.checklist_id == second.pk
    with pytest.raises(ValidationError):
        group_checklist(world, [{"code": "X", "text": "x", "weight": 0}])


def group_checklist(world, items):
    return group.checklist_save(by=world.supervisor, post="specialist", title="v", items=items)


def test_supervisors_inspect_their_scope_but_never_themselves(group, tickets):
    world = group
    with pytest.raises(PermissionDenied):
        inspections.inspection_create(
            by=world.supervisor, kind=Kind.ONSITE, person=world.supervisor
        )
    with pytest.raises(PermissionDenied):  # community B is outside the supervisor's scope
        inspections.inspection_create(
            by=world.supervisor, kind=Kind.ONSITE, person=world.specialist_b
        )
    with pytest.raises(PermissionDenied):  # the manager is no inspector
        inspections.inspection_create(by=world.manager, kind=Kind.ONSITE, person=world.specialist)
    with pytest.raises(ValidationError):  # a mystery call needs its script
        inspections.inspection_create(
            by=world.supervisor,
            kind=Kind.MYSTERY,
            person=world.specialist,
            planned_for=timezone.localdate(),
        )
    assert not Inspection.objects.exists()


def test_a_critical_fail_zeroes_the_score_and_makes_a_rectification(group, tickets):
    world = group
    inspection = inspections.inspection_create(
        by=world.supervisor, kind=Kind.TICKET, person=world.specialist, ticket=tickets[0]
    )
    with pytest.raises(ValidationError):  # not every item scored
        inspections.inspection_close(by=world.supervisor, inspection=inspection)
    inspections.score_save(by=world.supervisor, inspection=inspection, scores=all_pass(inspection))
    assert inspections.compute_score(inspection) == (100, False)
    inspections.score_save(
        by=world.supervisor, inspection=inspection, scores=all_pass(inspection, fail={"G3"})
    )
    # Not visible to the person while open.
    assert not selectors.inspections_visible_to(world.specialist).exists()
    closed = inspections.inspection_close(by=world.supervisor, inspection=inspection)
    assert closed.score == 0 and closed.critical_fail
    finding = Finding.objects.get()
    assert finding.improvement.source == Source.INSPECTION
    assert finding.improvement.owner == world.specialist
    expected_due = timezone.localdate() + dt.timedelta(days=14)
    assert finding.improvement.due == expected_due
    assert list(selectors.inspections_visible_to(world.specialist)) == [closed]
    assert list(selectors.inspections_visible_to(world.manager)) == [closed]
    assert not selectors.inspections_visible_to(world.assistant).exists()
    with pytest.raises(PermissionDenied):
        inspections.inspection_answer(by=world.assistant, inspection=closed, text="x")
    inspections.inspection_answer(by=world.specialist, inspection=closed, text="已整改")
    assert (
        selectors.findings(world.manager, timezone.localdate(), timezone.localdate()).count() == 1
    )


def test_points_without_critical_fail(group, tickets):
    world = group
    inspection = inspections.inspection_create(
        by=world.supervisor, kind=Kind.TICKET, person=world.specialist, ticket=tickets[0]
    )
    bad = all_pass(inspection)
    bad[0]["points"] = "31"
    with pytest.raises(ValidationError):
        inspections.score_save(by=world.supervisor, inspection=inspection, scores=bad)
    assert not inspection.scores.exists()
    scores = all_pass(inspection, fail={"G1"})
    scores[1]["points"] = "30"
    inspections.score_save(by=world.supervisor, inspection=inspection, scores=scores)
    closed = inspections.inspection_close(by=world.supervisor, inspection=inspection)
    assert closed.score == 60  # (0 + 30 + 30) / 100


def test_a_repeated_finding_is_flagged(group, tickets):
    world = group
    for ticket in tickets[:2]:
        inspection = inspections.inspection_create(
            by=world.supervisor, kind=Kind.TICKET, person=world.specialist, ticket=ticket
        )
        inspections.score_save(
            by=world.supervisor, inspection=inspection, scores=all_pass(inspection, fail={"G1"})
        )
        closed = inspections.inspection_close(by=world.supervisor, inspection=inspection)
    assert closed.repeated
    assert [f.repeated for f in selectors.person_findings(world.manager, world.specialist)] == [
        True,
        False,
    ]


def test_the_same_seed_and_month_give_the_same_sample(group, tickets):
    world = group
    one = _plan(world, seed=7)
    assert one.status == PlanStatus.SAMPLED and len(_sampled(one)) == 5
    two = _plan(world, seed=7)
    assert _sampled(one) == _sampled(two)
    other = [_sampled(_plan(world, seed=s)) for s in (8, 9, 10)]
    assert any(rows != _sampled(one) for rows in other)


def test_a_replacement_is_the_next_of_the_order_with_its_reason(group, tickets):
    world = group
    plan = _plan(world, seed=3)
    before = _sampled(plan)
    first = plan.inspections.get(sample_rank=0)
    with pytest.raises(ValidationError):
        sampling.inspection_replace(by=world.supervisor, inspection=first, reason="")
    new = sampling.inspection_replace(by=world.supervisor, inspection=first, reason="录音缺失")
    assert new.sample_rank == 5 and new.replace_reason == "录音缺失"
    assert new.ticket_id not in before
    again = _plan(world, seed=3)
    assert _sampled(again) == before


def test_a_blind_calibration_with_a_large_divergence_is_flagged(group, tickets):
    world = group
    plan = _plan(world, seed=1)
    subject = plan.inspections.get(sample_rank=0)
    pair = calibration.calibration_create(
        by=world.supervisor, inspection=subject, second=world.supervisor2
    )
    subject.refresh_from_db()
    twin = pair.second
    inspections.score_save(by=world.supervisor, inspection=subject, scores=all_pass(subject))
    inspections.inspection_close(by=world.supervisor, inspection=subject)
    # Blind: the second supervisor does not see the first's scores while theirs is open.
    assert access.blind_for(world.supervisor2, subject)
    assert not access.blind_for(world.supervisor, subject)
    inspections.score_save(
        by=world.supervisor2, inspection=twin, scores=all_pass(twin, fail={"G2"})
    )
    inspections.inspection_close(by=world.supervisor2, inspection=twin)
    pair.refresh_from_db()
    assert pair.divergence == 40 and pair.flagged
    assert not access.blind_for(world.supervisor2, subject)
    figures = selectors.inspection_figures(world.executive, *selectors.this_month())
    assert figures["count"] == 2 and figures["calibration_rate"] == 0
    # A community's work report counts its own people's inspections only.
    month = selectors.this_month()
    assert selectors.inspection_figures(world.executive, *month, world.a.pk)["count"] == 2
    other = selectors.inspection_figures(world.executive, *month, world.b.pk)
    assert other["count"] == 0 and other["calibrated_pairs"] == 0
    calibration.calibration_discuss(by=world.supervisor2, calibration=pair, text="统一标准")


def test_the_divergence_threshold_is_the_policys(group, tickets):
    world = group
    policy_in_force(supervision_calibration_divergence=50)
    plan = _plan(world, seed=1)
    subject = plan.inspections.get(sample_rank=0)
    pair = calibration.calibration_create(
        by=world.supervisor, inspection=subject, second=world.supervisor2
    )
    for who, insp, fail in (
        (world.supervisor, subject, ()),
        (world.supervisor2, pair.second, {"G2"}),
    ):
        insp.refresh_from_db()
        inspections.score_save(by=who, inspection=insp, scores=all_pass(insp, fail=fail))
        inspections.inspection_close(by=who, inspection=insp)
    pair.refresh_from_db()
    assert pair.divergence == 40 and not pair.flagged
    assert (
        selectors.inspection_figures(world.supervisor, *selectors.this_month())["calibration_rate"]
        == 100
    )


def test_the_deadline_check_is_computed_from_the_data(group, tickets):
    world = group
    today = timezone.localdate()
    inspection = inspections.inspection_create(
        by=world.supervisor,
        kind=Kind.DEADLINE,
        person=world.specialist,
        period_start=today.replace(day=1),
        period_end=today,
    )
    assert inspection.deadline_total == 8
    assert inspection.deadline_met == 8 and inspection.score == 100
    with pytest.raises(ValidationError):
        inspections.inspection_create(
            by=world.supervisor,
            kind=Kind.DEADLINE,
            person=world.specialist,
            period_start=today,
            period_end=today - dt.timedelta(days=1),
        )


def test_the_person_is_told_in_their_language_when_it_is_closed(group, tickets):
    from wuyedesk.notifications.models import Notification

    world = group
    world.specialist.language = "en"
    world.specialist.save(update_fields=["language"])
    inspection = inspections.inspection_create(
        by=world.supervisor, kind=Kind.TICKET, person=world.specialist, ticket=tickets[0]
    )
    inspections.score_save(by=world.supervisor, inspection=inspection, scores=all_pass(inspection))
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):
        inspections.inspection_close(by=world.supervisor, inspection=inspection)
    notice = Notification.objects.get(user=world.specialist, kind="inspection")
    assert notice.text.startswith("An inspection of you has been closed")
    assert notice.link == f"/supervision/inspections/{inspection.pk}/"
