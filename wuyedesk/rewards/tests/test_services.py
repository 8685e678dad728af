"""Rewards and penalties (MGT-7, MGT-8): proposal, the manager's (and executive's)
approval, the notice to the person, the appeal within the window of the version in force,
its decision; audit rows; who may see and do what; bad input changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.audit.models import AuditEntry
from wuyedesk.notifications.models import Notification
from wuyedesk.rewards import selectors, services
from wuyedesk.rewards.models import Measure, MeasureEvent
from wuyedesk.testing import make_staff, policy_in_force


def _notes(user):
    return list(Notification.objects.filter(user=user, kind="reward").order_by("id"))


def test_warning_approved_by_the_manager_takes_effect_and_tells_the_person(world, effective):
    assert effective.status == "approved" and effective.effective_at is not None
    days = (effective.appeal_until - effective.effective_at).days
    assert days == 15  # the default window of the version in force
    (note,) = _notes(world.specialist)
    assert "警告" in note.text and note.link.endswith(f"/rewards/{effective.pk}/")
    kinds = list(MeasureEvent.objects.filter(measure=effective).values_list("kind", flat=True))
    assert kinds == ["proposed", "approved", "notified"]
    audit = AuditEntry.objects.filter(object_type="rewards.measure", object_id=effective.pk)
    assert list(audit.order_by("id").values_list("action", flat=True)) == ["create", "update"]
    assert audit.order_by("id").last().changes == {"status": ["proposed", "approved"]}


def test_appeal_window_comes_from_the_version_in_force(world, propose):
    policy_in_force(reward_appeal_days=3)
    measure = propose("demerit")
    services.measure_approve(by=world.manager, measure=measure)
    measure.refresh_from_db()
    assert (measure.appeal_until - measure.effective_at) == dt.timedelta(days=3)


def test_appeal_rejected_by_the_manager_keeps_the_penalty(
    world, effective, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_appeal(by=world.specialist, measure=effective, reason="当天系统故障")
    effective.refresh_from_db()
    assert effective.status == "appealed"
    assert [n.text for n in _notes(world.manager)][-1].startswith("奖惩申诉待您处理")
    with pytest.raises(PermissionDenied):  # the person does not decide their own appeal
        services.measure_decide_appeal(
            by=world.specialist, measure=effective, accept=True, remarks="x"
        )
    with pytest.raises(ValidationError) as error:
        services.measure_decide_appeal(
            by=world.manager, measure=effective, accept=False, remarks=""
        )
    assert "remarks" in error.value.error_dict
    effective.refresh_from_db()
    assert effective.status == "appealed"
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_decide_appeal(
            by=world.manager, measure=effective, accept=False, remarks="系统日志显示正常"
        )
    effective.refresh_from_db()
    assert (effective.status, effective.appeal_outcome) == ("approved", "rejected")
    assert "申诉驳回" in _notes(world.specialist)[-1].text
    # One appeal only.
    with pytest.raises(ValidationError):
        services.measure_appeal(by=world.specialist, measure=effective, reason="再次申诉")


def test_dismissal_needs_an_executive_and_its_appeal_is_theirs(
    world, propose, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        measure = propose("dismissal")
        services.measure_approve(by=world.manager, measure=measure, remarks="情节严重")
    measure.refresh_from_db()
    assert measure.status == "executive" and measure.effective_at is None
    assert _notes(world.specialist) == []  # not yet a decision
    assert "待管理层审批" in _notes(world.executive)[-1].text
    with pytest.raises(PermissionDenied):  # a manager cannot give the second approval
        services.measure_approve_as_executive(by=world.manager, measure=measure)
    with django_capture_on_commit_callbacks(execute=True):
        services.measure_approve_as_executive(by=world.executive, measure=measure)
        services.measure_appeal(by=world.specialist, measure=measure, reason="事实有误")
    measure.refresh_from_db()
    assert measure.status == "appealed"
    with pytest.raises(PermissionDenied):  # the manager does not decide a dismissal's appeal
        services.measure_decide_appeal(by=world.manager, measure=measure, accept=True, remarks="x")
    services.measure_decide_appeal(
        by=world.executive, measure=measure, accept=True, remarks="调查后事实不成立"
    )
    measure.refresh_from_db()
    assert (measure.status, measure.appeal_outcome) == ("revoked", "accepted")
    # A revoked record no longer counts.
    start = timezone.now() - dt.timedelta(days=1)
    assert selectors.counts_by_kind(start, timezone.now() + dt.timedelta(days=1)) == {}


def test_bonus_two_steps_and_rejection_with_a_reason(world, propose):
    measure = propose("bonus", amount=Decimal("500"))
    assert measure.amount == Decimal("500.00")
    services.measure_approve(by=world.manager, measure=measure)
    with pytest.raises(ValidationError):  # a reason is required
        services.measure_reject(by=world.executive, measure=measure, remarks="  ")
    services.measure_reject(by=world.executive, measure=measure, remarks="预算不足")
    measure.refresh_from_db()
    assert measure.status == "rejected" and measure.effective_at is None
    with pytest.raises(ValidationError):
        services.measure_approve(by=world.manager, measure=measure)


def test_rewards_take_effect_without_appeal(world, propose):
    measure = propose("commendation", facts="连续三个月零投诉", reason="服务优秀")
    services.measure_approve(by=world.manager, measure=measure)
    measure.refresh_from_db()
    assert measure.status == "approved" and measure.appeal_until is None
    assert not selectors.may_appeal(world.specialist, measure)


def test_appeal_after_the_window_is_refused(world, effective):
    Measure.objects.filter(pk=effective.pk).update(
        appeal_until=timezone.now() - dt.timedelta(minutes=1)
    )
    effective.refresh_from_db()
    with pytest.raises(ValidationError):
        services.measure_appeal(by=world.specialist, measure=effective, reason="迟到的申诉")
    effective.refresh_from_db()
    assert effective.status == "approved" and not effective.appeal_reason


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "bonus"}, "amount"),
        ({"kind": "bonus", "amount": Decimal("0")}, "amount"),
        ({"kind": "warning", "amount": Decimal("100")}, "amount"),
        ({"kind": "praise"}, "kind"),
        ({"kind": "warning", "facts": "  "}, "facts"),
        ({"kind": "warning", "reason": ""}, "reason"),
        ({"kind": "warning", "facts": "x" * 5001}, "facts"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, propose, fields, field):
    with pytest.raises(ValidationError) as error:
        propose(**fields)
    assert field in error.value.error_dict
    assert Measure.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_a_complaint_link_must_be_a_complaint(world, propose, call):
    inquiry = call()
    with pytest.raises(ValidationError) as error:
        propose(complaint=inquiry)
    assert "complaint" in error.value.error_dict
    complaint = call(kind="complaint")
    measure = propose(complaint=complaint, ticket=inquiry)
    assert (measure.complaint, measure.ticket) == (complaint, inquiry)


def test_out_of_scope_people_and_posts(world, propose):
    # Other departments' and other communities' people are not the manager's.
    for person in (world.worker, world.specialist_b, world.admin):
        with pytest.raises(ValidationError) as error:
            propose(staff=person.staff)
        assert "staff" in error.value.error_dict
    with pytest.raises(ValidationError):  # not about oneself
        propose(staff=world.manager.staff)
    for person in (world.specialist, world.assistant, world.admin, world.executive):
        with pytest.raises(PermissionDenied):
            propose(by=person, staff=world.supervisor.staff)
    assert Measure.objects.count() == 0


def test_who_sees_which_records(world, propose):
    mine = propose("warning")
    other = propose("commendation", staff=world.assistant.staff)
    colleague = make_staff("manager2", ["manager"], [world.b], None, "另一经理")
    b_record = propose("merit", staff=world.specialist_b.staff, by=colleague)

    def seen(user):
        return set(selectors.measures_visible_to(user).values_list("pk", flat=True))

    assert seen(world.specialist) == {mine.pk}
    assert seen(world.assistant) == {other.pk}
    assert seen(world.manager) == {mine.pk, other.pk}
    assert seen(world.executive) == {mine.pk, other.pk, b_record.pk}
    assert seen(world.admin) == set()  # the administrator sees none
    assert seen(world.worker) == set() and seen(world.specialist_b) == {b_record.pk}
    assert seen(world.resident) == set()


def test_nobody_approves_a_record_about_themselves(world):
    second = make_staff("manager2", ["manager"], [world.a], world.manager.staff.department)
    measure = services.measure_propose(
        by=second, staff=world.manager.staff, kind="warning", facts="f", reason="r"
    )
    with pytest.raises(PermissionDenied):
        services.measure_approve(by=world.manager, measure=measure)
    services.measure_approve(by=second, measure=measure)
    measure.refresh_from_db()
    assert measure.status == "approved"
