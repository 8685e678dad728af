"""Tickets that residents submit themselves (portal) and that arrive by mail (INQ-1, CMP-1)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.accounts.services import system_user
from wuyedesk.tickets import services
from wuyedesk.tickets.choices import Channel, EventKind, Kind, Status


def test_resident_submits_for_own_room_unowned_with_clock(world, categories):
    room = world.rooms_a[0]
    ticket = services.ticket_submit(
        by=world.resident,
        kind=Kind.INQUIRY,
        category=categories["UTILITY"],
        title="",
        description="卫生间漏水,请尽快处理",
        room=room,
    )
    assert ticket.channel == Channel.PORTAL and ticket.owner is None
    assert ticket.resident == world.resident_a and ticket.community == room.community
    assert ticket.follow_up_due is not None and ticket.status == Status.OPEN
    # The registration, and the portal's confirmation of it (ISO 10002, #14).
    assert [e.kind for e in ticket.events.all()] == [EventKind.CREATED, EventKind.ACKNOWLEDGED]


def test_resident_cannot_submit_for_a_room_they_do_not_live_in(world, categories):
    with pytest.raises(ValidationError) as error:
        services.ticket_submit(
            by=world.resident,
            kind=Kind.COMPLAINT,
            category=categories["UTILITY"],
            title="",
            description="噪音",
            room=world.rooms_a[1],
        )
    assert "room" in error.value.message_dict


def test_staff_cannot_use_the_resident_path(world, categories):
    with pytest.raises(PermissionDenied):
        services.ticket_submit(
            by=world.specialist,
            kind=Kind.INQUIRY,
            category=categories["UTILITY"],
            title="",
            description="x",
        )


def test_mail_contact_is_recorded_by_the_system_user_from_its_sent_time(world, categories):
    sent = timezone.now() - dt.timedelta(hours=2)
    ticket = services.ticket_receive(
        channel=Channel.EMAIL,
        kind=Kind.INQUIRY,
        category=categories["UTILITY"],
        title="停水通知?",
        description="请问明天是否停水",
        community=world.a,
        contact_at=sent,
    )
    assert ticket.created_by == system_user() and ticket.owner is None
    assert ticket.contact_at == sent
    assert ticket.follow_up_due == sent + dt.timedelta(hours=24)
    assert not system_user().has_usable_password() and not system_user().is_active
