"""Complaint workflow (CMP-1..5, MGR-5)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuyedesk.notifications.models import Notification
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import Outcome, Status


@pytest.fixture
def complaint(world, call, categories, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return call(kind="complaint", category=categories["ATTITUDE"], description="保安态度恶劣")


def measures(world):
    return [
        {
            "what": "保安培训",
            "department": world.engineering,
            "owner": world.worker,
            "due": dt.date(2026, 12, 31),
        }
    ]


def test_complaint_is_reported_to_the_manager_at_once(world, complaint):
    assert complaint.reported_at is not None
    assert complaint.investigation_due == complaint.reported_at + dt.timedelta(hours=48)
    assert Notification.objects.filter(user=world.manager, kind="reported").count() == 1


def test_full_complaint_path_with_reopen(world, complaint, categories):
    c = complaint
    services.ticket_investigate(
        by=world.manager, ticket=c, departments=[world.engineering, world.partner_b], note="查监控"
    )
    assert c.status == Status.INVESTIGATING and c.dispatches.count() == 2
    for d in c.dispatches.all():
        services.dispatch_reply(by=world.manager, dispatch=d, text="已查明")
    services.ticket_decide(
        by=world.manager, ticket=c, decision="批评教育", measures=measures(world)
    )
    with pytest.raises(ValidationError):
        services.ticket_close(by=world.specialist, ticket=c)  # no feedback, no return visit
    services.ticket_feedback(by=world.specialist, ticket=c, channel="phone", text="已处理")
    assert c.status == Status.AWAITING_RETURN_VISIT and c.return_visit_due is not None
    with pytest.raises(ValidationError):
        services.ticket_close(by=world.specialist, ticket=c)  # still no return visit
    services.ticket_return_visit(
        by=world.specialist,
        ticket=c,
        channel="phone",
        reached=True,
        satisfaction="not_satisfied",
        words="还是不满意",
    )
    assert c.status == Status.INVESTIGATING and c.decided_at is None  # back to the manager
    services.ticket_decide(by=world.manager, ticket=c, decision="调岗", measures=measures(world))
    services.ticket_feedback(by=world.specialist, ticket=c, channel="phone", text="已调岗")
    services.ticket_return_visit(
        by=world.specialist,
        ticket=c,
        channel="phone",
        reached=True,
        satisfaction="satisfied",
        words="满意",
    )
    services.ticket_close(by=world.specialist, ticket=c)
    assert c.status == Status.CLOSED and c.outcome == Outcome.RESOLVED
    assert c.measures.count() == 2


def test_unreachable_after_the_attempt_limit_closes_with_that_outcome(world, complaint):
    c = complaint
    services.ticket_decide(by=world.manager, ticket=c, decision="x", measures=measures(world))
    services.ticket_feedback(by=world.specialist, ticket=c, channel="phone", text="结果")
    for _ in range(3):
        services.ticket_return_visit(by=world.specialist, ticket=c, channel="phone", reached=False)
    assert c.status == Status.CLOSED and c.outcome == Outcome.UNREACHABLE


def test_only_the_manager_organises_the_investigation(world, complaint):
    with pytest.raises(PermissionDenied):
        services.ticket_investigate(
            by=world.specialist, ticket=complaint, departments=[world.engineering], note="x"
        )


def test_feedback_before_decision_is_refused(world, complaint):
    with pytest.raises(ValidationError):
        services.ticket_feedback(by=world.specialist, ticket=complaint, channel="phone", text="x")


def test_measure_without_department_names_the_field(world, complaint):
    with pytest.raises(ValidationError) as error:
        services.ticket_decide(
            by=world.manager,
            ticket=complaint,
            decision="x",
            measures=[{"what": "培训", "due": dt.date(2026, 12, 1)}],
        )
    assert "measures.0.department" in error.value.message_dict


def test_emergency_notifies_the_manager_and_shows_until_acknowledged(
    world, call, categories, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = call(
            kind="repair",
            severity="emergency",
            category=categories["LIFT"],
            description="3栋电梯困人",
        )
    assert Notification.objects.filter(user=world.manager, kind="severe").count() == 1
    from wuyedesk.tickets.selectors import severe_unacknowledged

    assert list(severe_unacknowledged(world.manager)) == [ticket]
    services.ticket_acknowledge(by=world.manager, ticket=ticket)
    assert not severe_unacknowledged(world.manager).exists()


def test_incident_update_reaches_every_linked_ticket(world, call, categories):
    a = call(kind="repair", category=categories["LIFT"], description="电梯停了")
    b = call(kind="repair", category=categories["LIFT"], description="电梯又坏了")
    incident = services.incident_create(
        by=world.manager, community=world.a, title="3栋电梯停运", tickets=[a, b]
    )
    assert (
        services.incident_update(
            by=world.manager, incident=incident, text="维保人员已到场,预计下午恢复"
        )
        == 2
    )
    for t in (a, b):
        assert t.events.filter(kind="incident", public=True, body__contains="预计").exists()


def test_merge_closes_the_duplicate(world, call):
    a, b = call(), call()
    services.ticket_merge(by=world.specialist, ticket=b, into=a)
    b.refresh_from_db()
    assert b.status == Status.CLOSED and b.merged_into == a
