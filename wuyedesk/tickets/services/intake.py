"""A contact becomes a ticket (INQ-1/2, CMP-1): recorded by the desk, submitted by the
resident, or arrived by itself by mail; and the customer named afterwards.

The ticket and its timeline rows are written by save() and objects.create() (signals fire).
Measured for issue #13 (median CPU per request in-process with Django's test client, the
1,000,000-ticket SQLite bench database): a creation through the API (POST /api/v1/tickets,
a room and a category) took 4.0-4.8 ms by the ORM alone where statements compiled once per
connection took 2.0-2.4 ms. The three lookups before the service (the API token, the room
with its building and community, the category with its parent and `has_children`) took
about 2.2 ms of it, most of it the ORM compiling each query again on every request; they
are now hand-written statements (lib/statements.py), and a creation takes 2.3 ms against
2.0-2.1 for the kept statements. The service's own 1.0-1.5 ms are the ticket's and the
created event's INSERTs by save() (one row each: bulk_create would save nothing), the
number's UPDATE and the commit."""

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import has_post, require_community, staff_of
from wuyedesk.accounts.services import SYSTEM_USERNAME, system_user
from wuyedesk.core import versions
from wuyedesk.lib.messages import Msg, label
from wuyedesk.policies.choices import ClockStart
from wuyedesk.policies.services import policy
from wuyedesk.properties.selectors import resident_households
from wuyedesk.tickets import selectors
from wuyedesk.tickets.categories import has_children
from wuyedesk.tickets.choices import (
    ACK_ON_INTAKE,
    AckMethod,
    Channel,
    EventKind,
    Kind,
    Outcome,
    Severity,
    Status,
)
from wuyedesk.tickets.models import (
    Ticket,
    TicketSequence,
)
from wuyedesk.tickets.services.base import (
    CONTACT_SKEW,
    INTAKE_POSTS,
    RELATED_FIELDS,
    _event,
    _invalid,
    _link,
    _report,
    _save,
    _search_text,
    is_recorded_late,
    managers_of,
    recompute_clocks,
    refresh_search_text,
    start_clock,
)
from wuyedesk.tickets.signals import notify_staff
from wuyedesk.training.selectors import induction_block


def _next_number(now) -> str:
    """The day's next readable number, claimed in one statement (both databases return the
    updated counter), so two desks never get the same number."""
    day = timezone.localtime(now).strftime("%Y%m%d")
    table = TicketSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE day = %s RETURNING last", [day])  # noqa: S608  (table name from the model)
        row = cursor.fetchone()
    if row is None:
        TicketSequence.objects.get_or_create(day=day)
        return _next_number(now)
    return f"{day}-{row[0]:04d}"


def may_record_contacts(user) -> bool:
    """Who records contacts on the intake page and through the API (and names a customer)."""
    return has_post(user, *INTAKE_POSTS)


def ticket_create(
    *,
    by,
    kind: str,
    channel: str,
    category,
    title: str,
    description: str,
    community=None,
    resident=None,
    room=None,
    building=None,
    severity: str = Severity.NORMAL,
    contact_at=None,
    answer: str = "",
) -> Ticket:
    """Record a contact (INQ-2, CMP-1). With `answer`, an inquiry is answered and closed at
    first contact (首问解决)."""
    if not may_record_contacts(by):
        raise PermissionDenied
    community, building = _place(room, building, community)
    require_community(by, community.pk)
    return _create(
        by=by,
        kind=kind,
        channel=channel,
        category=category,
        title=title,
        description=description,
        community=community,
        resident=resident,
        room=room,
        building=building,
        severity=severity,
        contact_at=contact_at,
        answer=answer,
    )


def _place(room, building, community):
    """The community and public-area building of a ticket about `room` or a public area."""
    if room is not None:
        return room.community, None
    if building is not None:
        return building.community, building
    if community is None:
        raise _invalid("room", _("请选择房屋或公共区域。"), "required")
    return community, None


def ticket_submit(
    *,
    by,
    kind: str,
    category,
    title: str,
    description: str,
    room=None,
    building=None,
    channel: str = Channel.PORTAL,
) -> Ticket:
    """A resident's own submission (portal or the portal API, INQ-1/CMP-1): about one of the
    rooms they live in now, or a public area of a building or community where they live.
    It starts unowned, in the desk's queue; the contact time is now."""
    if not getattr(by, "is_resident", False) or by.resident_id is None:
        raise PermissionDenied
    if channel not in (Channel.PORTAL, Channel.API):
        raise _invalid("channel", _("渠道不正确。"))
    homes = [o.room for o in resident_households(by.resident) if o.is_current]
    if room is not None and room.pk not in {r.pk for r in homes}:
        raise _invalid("room", _("只能为自己居住的房屋提交。"), "not_your_room")
    if (
        room is None
        and building is not None
        and building.pk not in {h.unit.building_id for h in homes}
    ):
        raise _invalid("room", _("只能为自己所住楼栋的公共区域提交。"), "not_your_room")
    community, building = _place(room, building, homes[0].community if homes else None)
    return _create(
        by=by,
        kind=kind,
        channel=channel,
        category=category,
        title=title,
        description=description,
        community=community,
        resident=by.resident,
        room=room,
        building=building,
        severity=Severity.NORMAL,
        contact_at=None,
    )


def ticket_receive(
    *,
    channel: str,
    kind: str,
    category,
    title: str,
    description: str,
    community,
    resident=None,
    room=None,
    contact_at=None,
) -> Ticket:
    """A contact that arrived by itself (an inbound mail): recorded by the system user, unowned,
    with the time the customer sent it as the start of its clocks."""
    if channel != Channel.EMAIL:
        raise _invalid("channel", _("渠道不正确。"))
    community, building = _place(room, None, community)
    return _create(
        by=system_user(),
        kind=kind,
        channel=channel,
        category=category,
        title=title,
        description=description,
        community=community,
        resident=resident,
        room=room,
        building=building,
        severity=Severity.NORMAL,
        contact_at=contact_at,
    )


def _create(
    *,
    by,
    kind,
    channel,
    category,
    title,
    description,
    community,
    resident,
    room,
    building,
    severity,
    contact_at,
    answer="",
) -> Ticket:
    now = timezone.now()
    contact_at = contact_at or now
    if contact_at > now + CONTACT_SKEW:
        raise _invalid("contact_at", _("联系时间不能晚于现在。"))
    # A resident may report about a room they do not live in (a neighbour's leak): allowed.
    if not category.active or has_children(category):
        raise _invalid("category", _("请选择具体的分类。"))
    if answer and kind != Kind.INQUIRY:
        raise _invalid("answer", _("只有咨询可以当场解答并关闭。"))
    title = (title or "").strip() or description.strip()[:40]
    ticket = Ticket(
        kind=kind,
        channel=channel,
        category=category,
        severity=severity,
        community=community,
        building=building,
        room=room,
        resident=resident,
        title=title[:120],
        description=description,
        contact_at=contact_at,
        created_at=now,
        created_by=by,
        # A new hire who has not passed the induction records the ticket but does not own
        # it (MGT-4): it waits unassigned for the manager (the intake page says so).
        owner=by if staff_of(by) and not induction_block(by) else None,
    )
    settings_now = policy()
    if kind != Kind.COMPLAINT:
        events = {ClockStart.CONTACT: contact_at, ClockStart.RECORDED: now}
        start_clock(ticket, "follow_up", events, settings_now)
    if kind in (Kind.INQUIRY, Kind.COMPLAINT):
        ticket.recorded_late = is_recorded_late(contact_at, now, settings_now)
    # The related rows were looked up (and scoped) by the caller: no query per foreign key.
    ticket.full_clean(exclude=["number", "search_text", *RELATED_FIELDS], validate_unique=False)
    recompute_clocks(ticket, now)
    # Everything above only reads. On SQLite a transaction holds the database's one write
    # lock from its first statement, so it starts here and writes only (bench/README.md).
    with transaction.atomic():
        _insert(ticket, by, now, answer, settings_now)
    return ticket


def _insert(ticket, by, now, answer, settings_now) -> None:
    """The writes of `_create`: the number, the ticket, its first timeline rows."""
    ticket.number = _next_number(now)
    ticket.search_text = _search_text(ticket, [answer] if answer else [])
    ticket.save(force_insert=True)
    if ticket.severity != Severity.NORMAL:
        versions.bump(selectors.SEVERE_TICKETS)
    _event(
        ticket,
        EventKind.CREATED,
        by,
        ticket.description,
        channel=ticket.channel,
        public=True,
        contact_at=ticket.contact_at.isoformat(),
    )
    method = ACK_ON_INTAKE.get(ticket.channel)
    if method is None and ticket.channel == Channel.EMAIL and by.username == SYSTEM_USERNAME:
        method = AckMethod.MAIL  # the mailbox answers in the sender's thread (mailbox/)
    if method is not None:
        _event(ticket, EventKind.ACKNOWLEDGED, by, method=method, on_intake=True)
    complaint = ticket.kind == Kind.COMPLAINT
    if complaint and ticket.severity in settings_now.complaint_notify_severities:
        _report(ticket, by, now)
    if ticket.severity != Severity.NORMAL:
        managers = managers_of(ticket.community_id)
        text = Msg(
            gettext_noop("%(severity)s:%(number)s %(title)s"),
            severity=label(Severity(ticket.severity).label),
            number=ticket.number,
            title=ticket.title,
        )
        transaction.on_commit(
            lambda: notify_staff(
                users=managers,
                kind="severe",
                text=text,
                link=_link(ticket),
                key=f"severe:{ticket.pk}",
                email=True,
            )
        )
    if answer:
        _event(ticket, EventKind.ANSWER, by, answer, public=True, channel=ticket.channel)
        ticket.first_contact_resolution = True
        ticket.followed_up_at = now
        ticket.status = Status.CLOSED
        ticket.outcome = Outcome.ANSWERED
        ticket.closed_at = now
        _event(ticket, EventKind.CLOSE, by, outcome=Outcome.ANSWERED)
    if complaint or answer:
        _save(
            ticket,
            None,
            "reported_at",
            "investigation_due",
            "clock_basis",
            "first_contact_resolution",
            "followed_up_at",
            "status",
            "outcome",
            "closed_at",
        )


@transaction.atomic
def ticket_link_resident(*, by, ticket, resident, version=None) -> Ticket:
    """An assistant names the customer of a ticket that arrived from an unknown sender; their
    only home in the ticket's community becomes its room when it has none."""
    if not may_record_contacts(by):
        raise PermissionDenied
    require_community(by, ticket.community_id)
    if ticket.resident_id == resident.pk:
        return ticket
    ticket.resident = resident
    if ticket.room_id is None and ticket.building_id is None:
        homes = [
            o.room
            for o in resident_households(resident)
            if o.is_current and o.room.community_id == ticket.community_id
        ]
        if len(homes) == 1:
            ticket.room = homes[0]
    _save(ticket, version, "resident", "room")
    _event(
        ticket,
        EventKind.COMMENT,
        by,
        Msg(gettext_noop("关联客户:%(name)s"), name=resident.name),
    )
    refresh_search_text(ticket)
    return ticket
