"""What each step of a complaint needs, by the regulation (#14 point 4, CMP-3)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuyedesk.accounts.choices import Post
from wuyedesk.testing import make_staff, ticket_page
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import EventKind
from wuyedesk.tickets.tests.test_clocks import new_version


@pytest.fixture
def complaint(world, call, categories):
    return call(kind="complaint", category=categories["ATTITUDE"], description="保安态度恶劣")


def measure(world, **extra):
    return {
        "what": "保安培训",
        "department": world.engineering,
        "due": dt.date(2030, 1, 1),
        **extra,
    }


def test_decision_waits_for_every_departments_findings(world, complaint):
    services.ticket_investigate(
        by=world.manager, ticket=complaint, departments=[world.engineering], note="查监控"
    )
    with pytest.raises(ValidationError, match="工程部") as refused:
        services.ticket_decide(
            by=world.manager, ticket=complaint, decision="批评教育", measures=[measure(world)]
        )
    assert refused.value.code == "findings_missing"
    complaint.refresh_from_db()
    assert complaint.decided_at is None and not complaint.measures.exists()
    dispatch = complaint.dispatches.get()
    services.dispatch_reply(by=world.worker, dispatch=dispatch, text="监控显示确有此事")
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="批评教育", measures=[measure(world)]
    )
    assert complaint.decided_at is not None


def test_decision_needs_a_corrective_measure_naming_the_field(world, complaint):
    with pytest.raises(ValidationError) as refused:
        services.ticket_decide(by=world.manager, ticket=complaint, decision="道歉", measures=[])
    assert "measures" in refused.value.message_dict
    complaint.refresh_from_db()
    assert complaint.decided_at is None


def test_the_rules_are_settings_of_the_version(world, complaint):
    new_version(decision_needs_findings=False, decision_needs_measure=False)
    services.ticket_investigate(
        by=world.manager, ticket=complaint, departments=[world.engineering], note="查"
    )
    services.ticket_decide(by=world.manager, ticket=complaint, decision="道歉", measures=[])
    assert complaint.dispatches.get().cancelled_at is not None  # then left unanswered


def test_the_department_marks_done_and_customer_service_verifies(world, complaint):
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="培训", measures=[measure(world)]
    )
    m = complaint.measures.get()
    with pytest.raises(ValidationError):
        services.measure_mark(by=world.specialist, measure=m, verified=True)  # not done yet
    services.measure_mark(by=world.worker, measure=m, done=True)
    with pytest.raises(PermissionDenied):
        services.measure_mark(by=world.worker, measure=m, verified=True)
    services.measure_mark(by=world.specialist, measure=m, verified=True)
    m.refresh_from_db()
    assert m.done_at and m.verified_by == world.specialist
    assert complaint.events.filter(kind=EventKind.MEASURE).count() == 2


def test_another_department_or_community_may_not_mark_it(world, complaint):
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="培训", measures=[measure(world)]
    )
    m = complaint.measures.get()
    stranger = make_staff("plumber_b", [Post.DEPARTMENT], [world.b], world.engineering, "外区")
    for person in (stranger, world.specialist_b, world.executive):
        with pytest.raises(PermissionDenied):
            services.measure_mark(by=person, measure=m, done=True)
    m.refresh_from_db()
    assert m.done_at is None


def test_the_ticket_page_offers_the_department_its_measure(world, complaint, client_as):
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="培训", measures=[measure(world)]
    )
    m = complaint.measures.get()
    client = client_as(world.worker)
    response = client.post(f"/tickets/{complaint.pk}/measure/", {"measure": m.pk, "op": "done"})
    assert response.status_code in (200, 302), response.content.decode()[:300]
    m.refresh_from_db()
    assert m.done_at is not None
    response = client.post(f"/tickets/{complaint.pk}/measure/", {"measure": m.pk, "op": "verify"})
    assert response.status_code == 403
    m.refresh_from_db()
    assert m.verified_at is None


# --- the acknowledgement to the customer: its own timeline row (ISO 10002) -------------------


def test_a_call_is_acknowledged_on_the_call(world, call):
    ticket = call(channel="phone")
    ack = ticket.events.get(kind=EventKind.ACKNOWLEDGED)
    assert ack.data["method"] == "call" and ack.actor == world.specialist


def test_a_letter_is_acknowledged_by_the_desk_afterwards(world, call, api_as):
    ticket = call(channel="api")
    assert not ticket.events.filter(kind=EventKind.ACKNOWLEDGED).exists()
    response = api_as(world.specialist).post(
        f"/api/v1/tickets/{ticket.pk}/receipt", {"method": "sms", "note": "已短信告知工单号"}
    )
    assert response.status_code == 200, response.content
    ack = ticket.events.get(kind=EventKind.ACKNOWLEDGED)
    assert ack.data["method"] == "sms" and ack.body == "已短信告知工单号"


def test_acknowledgement_refuses_a_wrong_method_and_a_stranger(world, call, api_as, client_as):
    ticket = call(channel="api")
    response = api_as(world.specialist).post(
        f"/api/v1/tickets/{ticket.pk}/receipt", {"method": "pigeon"}
    )
    assert response.status_code in (400, 422)
    with pytest.raises(ValidationError) as refused:
        services.ticket_acknowledge_receipt(by=world.specialist, ticket=ticket, method="pigeon")
    assert "method" in refused.value.message_dict
    assert (
        api_as(world.specialist_b)
        .post(f"/api/v1/tickets/{ticket.pk}/receipt", {"method": "sms"})
        .status_code
        == 404
    )
    assert (
        client_as(world.worker)
        .post(f"/tickets/{ticket.pk}/receipt/", {"method": "sms"})
        .status_code
        == 404
    )
    assert not ticket.events.filter(kind=EventKind.ACKNOWLEDGED).exists()


def test_the_ticket_page_records_the_acknowledgement(world, call, client_as):
    ticket = call(channel="api")
    client = client_as(world.specialist)
    page = ticket_page(client, ticket)
    assert f'action="/tickets/{ticket.pk}/receipt/"' in page
    response = client.post(f"/tickets/{ticket.pk}/receipt/", {"method": "phone", "note": ""})
    assert response.status_code == 302
    assert ticket.events.filter(kind=EventKind.ACKNOWLEDGED, data__method="phone").exists()
