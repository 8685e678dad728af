"""Inquiry workflow (INQ-1..4): intake, transfer, department reply, follow-up, close."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.testing import policy_in_force
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import EventKind, Status
from wuyedesk.tickets.models import Ticket


def test_follow_up_clock_runs_from_contact_time_under_the_policy(call):
    contact = timezone.now() - dt.timedelta(hours=2)
    ticket = call(contact_at=contact)
    assert ticket.follow_up_due == contact + dt.timedelta(hours=24)
    assert ticket.next_due == ticket.follow_up_due
    assert ticket.number.count("-") == 1 and len(ticket.number) == 13
    # The registration, and the caller told the number on the call (ISO 10002, #14).
    assert [e.kind for e in ticket.events.all()] == [EventKind.CREATED, EventKind.ACKNOWLEDGED]


def test_changing_the_follow_up_setting_changes_new_tickets_only(call):
    old = call()
    policy_in_force(inquiry_follow_up_hours=12)
    new = call()
    old.refresh_from_db()
    assert old.follow_up_due - old.contact_at == dt.timedelta(hours=24)
    assert new.follow_up_due - new.contact_at == dt.timedelta(hours=12)


def test_numbers_are_unique_and_readable(call):
    numbers = {call().number for _ in range(5)}
    assert len(numbers) == 5


def test_first_contact_resolution_closes_at_once(call):
    ticket = call(answer="物业费可在业主服务平台缴纳。", description="物业费怎么交?")
    assert ticket.status == Status.CLOSED
    assert ticket.first_contact_resolution
    assert ticket.next_due is None


def test_inquiry_path_transfer_reply_follow_up_close(world, call):
    ticket = call()
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note="需要上门查看"
    )
    assert ticket.status == Status.TRANSFERRED and ticket.department == world.engineering
    dispatch = ticket.dispatches.get()
    services.dispatch_reply(by=world.worker, dispatch=dispatch, text="已更换水管接头")
    with pytest.raises(ValidationError):
        services.ticket_close(by=world.specialist, ticket=ticket)  # no follow-up yet
    services.ticket_follow_up(
        by=world.specialist, ticket=ticket, channel="phone", text="已告知业主维修完成"
    )
    assert ticket.next_due is None
    services.ticket_close(by=world.specialist, ticket=ticket)
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == ["created", "acknowledged", "transfer", "reply", "follow_up", "close"]


def test_transfer_between_departments_needs_a_reason_and_cancels_the_first(world, call):
    ticket = call()
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note="上门"
    )
    with pytest.raises(ValidationError) as error:
        services.ticket_transfer(
            by=world.specialist, ticket=ticket, department=world.partner_b, note="  "
        )
    assert "note" in error.value.message_dict
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.partner_b, note="电梯问题,转维保单位"
    )
    first, second = ticket.dispatches.order_by("id")
    assert first.cancelled_at is not None and second.is_open


def test_out_of_scope_specialist_cannot_act(world, call):
    ticket = call()
    with pytest.raises(PermissionDenied):
        services.ticket_follow_up(by=world.specialist_b, ticket=ticket, channel="phone", text="x")


def test_department_worker_of_another_department_cannot_reply(world, call):
    ticket = call()
    dispatch = services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.partner_b, note="转"
    )
    with pytest.raises(PermissionDenied):
        services.dispatch_reply(by=world.worker, dispatch=dispatch, text="x")


def test_contact_time_in_the_future_is_refused(call):
    with pytest.raises(ValidationError) as error:
        call(contact_at=timezone.now() + dt.timedelta(hours=1))
    assert "contact_at" in error.value.message_dict
    assert Ticket.objects.count() == 0


def test_stale_version_is_a_conflict_and_changes_nothing(world, call):
    ticket = call()
    seen = ticket.version
    services.ticket_follow_up(by=world.specialist, ticket=ticket, channel="phone", text="a")
    stale = Ticket.objects.get(pk=ticket.pk)
    stale.version = seen
    with pytest.raises(services.TicketConflict):
        services.ticket_transfer(
            by=world.manager, ticket=stale, department=world.engineering, note="x", version=seen
        )
    assert not ticket.dispatches.exists()
