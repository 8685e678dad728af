"""Every change to a ticket: permission, validation, the change, its timeline row — one
transaction — and notifications after the commit. Views, API, commands and tasks call these.

Concurrency: a service that is given `version` (the version the person saw) refuses with
TicketConflict when somebody changed the ticket meanwhile, so no update is ever lost.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, require_community, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.services import system_user
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import kept, versions
from wuyedesk.notifications import residents as resident_notices
from wuyedesk.notifications.services import notify
from wuyedesk.policies.services import policy
from wuyedesk.properties.selectors import resident_households
from wuyedesk.tickets import selectors
from wuyedesk.tickets.categories import has_children
from wuyedesk.tickets.choices import (
    OPEN_STATUSES,
    Channel,
    DispatchPurpose,
    EventKind,
    Kind,
    Outcome,
    Satisfaction,
    Severity,
    Status,
)
from wuyedesk.tickets.models import (
    CorrectiveMeasure,
    Dispatch,
    Incident,
    ReturnVisit,
    Ticket,
    TicketEvent,
    TicketSequence,
)

# A ticket's foreign keys: the services receive these rows already looked up and scoped.
RELATED_FIELDS = [
    "category",
    "community",
    "building",
    "room",
    "resident",
    "created_by",
    "owner",
    "department",
    "incident",
    "merged_into",
]
INTAKE_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER, Post.ADMIN)
DESK_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER)
MANAGER_POSTS = (Post.MANAGER,)
# How far in the future a "time the customer made contact" may lie (clock skew of phones).
CONTACT_SKEW = dt.timedelta(minutes=5)


class TicketConflict(Exception):
    """The ticket changed since the person loaded it: reload and try again."""


def _invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


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


def _event(ticket, kind, by, body="", *, public=False, channel="", at=None, **data):
    event = TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=by,
        body=body,
        public=public,
        channel=channel,
        at=at or timezone.now(),
        data=data,
    )
    kept.insert(event)  # every action writes one or more: no INSERT compiled each time
    # The resident hears of the events that concern them, after the commit (issue #4).
    resident_notices.queue_ticket_event(event)
    return event


def _link(ticket) -> str:
    return reverse("ticket_detail", kwargs={"pk": ticket.pk})


def recompute_clocks(ticket: Ticket, now=None) -> None:
    """next_due = the soonest clock still running; overdue clears once nothing is late."""
    now = now or timezone.now()
    running = []
    if ticket.status != Status.CLOSED:
        if ticket.follow_up_due and not ticket.followed_up_at:
            running.append(ticket.follow_up_due)
        if ticket.investigation_due and not ticket.decided_at:
            running.append(ticket.investigation_due)
        if ticket.return_visit_due and not ticket.return_visit_at:
            running.append(ticket.return_visit_due)
    ticket.next_due = min(running) if running else None
    if ticket.next_due is None or ticket.next_due > now:
        ticket.overdue_since = None


def _save(ticket: Ticket, version: int | None, *fields: str) -> None:
    """Write the named fields if the ticket is still at `version`; bump the version."""
    recompute_clocks(ticket)
    expected = ticket.version if version is None else version
    names = {*fields, "next_due", "overdue_since"}
    updated = Ticket.objects.filter(pk=ticket.pk, version=expected).update(
        version=expected + 1, **{name: getattr(ticket, name) for name in names}
    )
    if not updated:
        raise TicketConflict(_("工单已被他人修改,请刷新后重试。"))
    ticket.version = expected + 1
    if ticket.severity != Severity.NORMAL or "severity" in names:
        versions.bump(selectors.SEVERE_TICKETS)  # the manager's banner (selectors.severe_banner)


def _require_open(ticket):
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("工单已关闭。"), code="closed")


def _require_desk(by, ticket):
    if not has_post(by, *DESK_POSTS):
        raise PermissionDenied
    require_community(by, ticket.community_id)


def _require_manager(by, ticket):
    if not has_post(by, *MANAGER_POSTS):
        raise PermissionDenied
    require_community(by, ticket.community_id)


def managers_of(community_id: int):
    from wuyedesk.accounts.models import User

    return list(
        User.objects.filter(
            staff__posts__post=Post.MANAGER,
            staff__archived_at__isnull=True,
            staff__communities__id=community_id,
            is_active=True,
        ).distinct()
    )


def refresh_search_text(ticket: Ticket) -> None:
    messages = TicketEvent.objects.filter(
        ticket=ticket,
        kind__in=[
            EventKind.MESSAGE,
            EventKind.ANSWER,
            EventKind.FOLLOW_UP,
            EventKind.REPLY,
            EventKind.FEEDBACK,
        ],
    ).values_list("body", flat=True)
    ticket.search_text = _search_text(ticket, messages)
    Ticket.objects.filter(pk=ticket.pk).update(search_text=ticket.search_text)


def _search_text(ticket: Ticket, messages) -> str:
    from wuyedesk.lib.search import index_text

    return index_text(
        ticket.number,
        ticket.title,
        ticket.description,
        ticket.resident.name if ticket.resident_id else "",
        ticket.room.address if ticket.room_id else "",
        *messages,
    )


def _report(ticket, by, now, reason=""):
    """CMP-2: report to the manager; the 48-hour clock (CMP-3) starts now."""
    ticket.reported_at = now
    hours = policy().complaint_investigation_hours
    ticket.investigation_due = now + dt.timedelta(hours=hours)
    _event(ticket, EventKind.REPORTED, by, reason, due=ticket.investigation_due.isoformat())
    managers = managers_of(ticket.community_id)
    text = _("投诉 %(number)s 已上报:%(title)s") % {"number": ticket.number, "title": ticket.title}
    transaction.on_commit(
        lambda: notify(
            users=managers,
            kind="reported",
            text=text,
            link=_link(ticket),
            key=f"reported:{ticket.pk}:{now.isoformat()}",
            email=True,
        )
    )


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
    if not has_post(by, *INTAKE_POSTS):
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
        owner=by if staff_of(by) else None,
    )
    settings_now = policy()
    if kind != Kind.COMPLAINT:
        ticket.follow_up_due = contact_at + dt.timedelta(hours=settings_now.inquiry_follow_up_hours)
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
    kept.insert(ticket)
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
    complaint = ticket.kind == Kind.COMPLAINT
    if complaint and ticket.severity in settings_now.complaint_notify_severities:
        _report(ticket, by, now)
    if ticket.severity != Severity.NORMAL:
        managers = managers_of(ticket.community_id)
        text = _("%(severity)s:%(number)s %(title)s") % {
            "severity": ticket.get_severity_display(),
            "number": ticket.number,
            "title": ticket.title,
        }
        transaction.on_commit(
            lambda: notify(
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
            "first_contact_resolution",
            "followed_up_at",
            "status",
            "outcome",
            "closed_at",
        )


@transaction.atomic
def ticket_transfer(*, by, ticket, department, note: str, assignee=None, version=None) -> Dispatch:
    """INQ-3 / MGR-4: hand the ticket to a department (or move it to another, with a reason)."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if not note.strip():
        raise _invalid("note", _("请说明转办原因。"), "required")
    staff = getattr(assignee, "staff", None) if assignee is not None else None
    if assignee is not None and (staff is None or staff.department_id != department.pk):
        raise _invalid("assignee", _("所选人员不属于该部门。"))
    previous = list(
        ticket.dispatches.filter(
            purpose=DispatchPurpose.TRANSFER, replied_at__isnull=True, cancelled_at__isnull=True
        )
    )
    now = timezone.now()
    for old in previous:
        old.cancelled_at = now
        old.save(update_fields=["cancelled_at"])
    dispatch = Dispatch.objects.create(
        ticket=ticket,
        purpose=DispatchPurpose.TRANSFER,
        department=department,
        assignee=assignee,
        note=note,
        created_by=by,
        due=ticket.follow_up_due,
    )
    ticket.department = department
    if ticket.status == Status.OPEN:
        ticket.status = Status.TRANSFERRED
    _save(ticket, version, "department", "status")
    # The note is for the department: internal. The customer sees only that it was handed on
    # (tickets/visibility.py).
    _event(
        ticket,
        EventKind.TRANSFER,
        by,
        note,
        department=department.name,
        previous=[d.department.name for d in previous],
    )
    _notify_department(dispatch, _("新转办工单 %(number)s:%(title)s"))
    return dispatch


def _notify_department(dispatch, template):
    from wuyedesk.accounts.models import User

    ticket = dispatch.ticket
    if dispatch.assignee_id:
        people = [dispatch.assignee]
    else:
        people = list(
            User.objects.filter(
                staff__department=dispatch.department,
                staff__archived_at__isnull=True,
                is_active=True,
            )
        )
    text = template % {"number": ticket.number, "title": ticket.title}
    transaction.on_commit(
        lambda: notify(
            users=people,
            kind="dispatch",
            text=text,
            link=_link(ticket),
            key=f"dispatch:{dispatch.pk}",
        )
    )


def may_work_dispatch(user, dispatch) -> bool:
    staff = staff_of(user)
    if staff is None:
        return False
    if staff.department_id == dispatch.department_id and has_post(user, Post.DEPARTMENT):
        return True
    return has_post(user, *DESK_POSTS)


@transaction.atomic
def dispatch_reply(*, by, dispatch, text: str, version=None) -> Dispatch:
    """The department's answer to a transfer, or its findings for an investigation."""
    if not may_work_dispatch(by, dispatch):
        raise PermissionDenied
    if not dispatch.is_open:
        raise ValidationError(_("该任务已答复或已取消。"), code="invalid_state")
    if not text.strip():
        raise _invalid("text", _("请填写回复内容。"), "required")
    ticket = dispatch.ticket
    _require_open(ticket)
    dispatch.reply, dispatch.replied_by, dispatch.replied_at = text, by, timezone.now()
    dispatch.save(update_fields=["reply", "replied_by", "replied_at"])
    kind = EventKind.REPLY if dispatch.purpose == DispatchPurpose.TRANSFER else EventKind.FINDINGS
    _save(ticket, version)
    _event(ticket, kind, by, text, department=dispatch.department.name, dispatch=dispatch.pk)
    if ticket.owner_id:
        note = _("%(department)s 已答复工单 %(number)s") % {
            "department": dispatch.department.name,
            "number": ticket.number,
        }
        transaction.on_commit(
            lambda: notify(
                users=[ticket.owner],
                kind="reply",
                text=note,
                link=_link(ticket),
                key=f"reply:{dispatch.pk}",
            )
        )
    refresh_search_text(ticket)
    return dispatch


@transaction.atomic
def ticket_follow_up(*, by, ticket, channel: str, text: str, version=None) -> Ticket:
    """INQ-4 / SPE-2: a recorded contact with the customer about progress. Only this meets the
    follow-up deadline."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if channel not in Channel.values:
        raise _invalid("channel", _("请选择联系方式。"), "invalid_choice")
    if not text.strip():
        raise _invalid("text", _("请记录与客户沟通的内容。"), "required")
    now = timezone.now()
    if ticket.followed_up_at is None:
        ticket.followed_up_at = now
    _save(ticket, version, "followed_up_at")
    # The text is the desk's record of the conversation: internal. The customer sees that we
    # followed up (tickets/visibility.py); words meant for them are a message.
    _event(
        ticket,
        EventKind.FOLLOW_UP,
        by,
        text,
        channel=channel,
        on_time=bool(ticket.follow_up_due and now <= ticket.follow_up_due),
    )
    refresh_search_text(ticket)
    return ticket


@transaction.atomic
def ticket_escalate(*, by, ticket, reason: str, version=None) -> Ticket:
    """CMP-2: report to the manager by hand (when the policy did not do it at intake)."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if ticket.reported_at is not None and ticket.decided_at is None:
        raise ValidationError(_("已上报经理。"), code="invalid_state")
    _report(ticket, by, timezone.now(), reason)
    _save(ticket, version, "reported_at", "investigation_due")
    return ticket


@transaction.atomic
def ticket_investigate(*, by, ticket, departments, note: str, version=None) -> list[Dispatch]:
    """CMP-3: the manager sends investigation tasks to one or more departments."""
    _require_manager(by, ticket)
    _require_open(ticket)
    if ticket.kind != Kind.COMPLAINT:
        raise ValidationError(_("只有投诉需要组织调查。"), code="invalid_state")
    if not departments:
        raise _invalid("departments", _("请至少选择一个部门。"), "required")
    if ticket.reported_at is None:
        _report(ticket, by, timezone.now())
    made = [
        Dispatch.objects.create(
            ticket=ticket,
            purpose=DispatchPurpose.INVESTIGATION,
            department=d,
            note=note,
            created_by=by,
            due=ticket.investigation_due,
        )
        for d in departments
    ]
    ticket.status = Status.INVESTIGATING
    _save(ticket, version, "status", "reported_at", "investigation_due")
    _event(ticket, EventKind.INVESTIGATION, by, note, departments=[d.name for d in departments])
    for dispatch in made:
        _notify_department(dispatch, _("投诉 %(number)s 需要调查:%(title)s"))
    return made


@transaction.atomic
def ticket_decide(*, by, ticket, decision: str, measures: list[dict], version=None) -> Ticket:
    """CMP-3: the manager's decision and corrective measures (what, department, owner, due)."""
    _require_manager(by, ticket)
    _require_open(ticket)
    if ticket.kind != Kind.COMPLAINT:
        raise ValidationError(_("只有投诉需要处理决定。"), code="invalid_state")
    if not decision.strip():
        raise _invalid("decision", _("请填写处理决定。"), "required")
    for i, m in enumerate(measures):
        if not (m.get("what") or "").strip():
            raise _invalid(f"measures.{i}.what", _("请填写整改措施。"), "required")
        if m.get("department") is None:
            raise _invalid(f"measures.{i}.department", _("请选择责任部门。"), "required")
        if m.get("due") is None:
            raise _invalid(f"measures.{i}.due", _("请填写完成期限。"), "required")
    now = timezone.now()
    from wuyedesk.improvements.services import item_from_measure  # one list of improvements

    for m in measures:
        measure = CorrectiveMeasure.objects.create(
            ticket=ticket,
            what=m["what"],
            department=m["department"],
            owner=m.get("owner"),
            due=m["due"],
        )
        item_from_measure(measure=measure, by=by)
    for dispatch in ticket.dispatches.filter(replied_at__isnull=True, cancelled_at__isnull=True):
        dispatch.cancelled_at = now
        dispatch.save(update_fields=["cancelled_at"])
    ticket.decided_at = now
    ticket.status = Status.AWAITING_FEEDBACK
    _save(ticket, version, "decided_at", "status")
    _event(
        ticket,
        EventKind.DECISION,
        by,
        decision,
        on_time=bool(ticket.investigation_due and now <= ticket.investigation_due),
        measures=[m["what"] for m in measures],
    )
    if ticket.owner_id:
        text = _("投诉 %(number)s 已有处理决定,请反馈客户") % {"number": ticket.number}
        transaction.on_commit(
            lambda: notify(
                users=[ticket.owner],
                kind="decided",
                text=text,
                link=_link(ticket),
                key=f"decided:{ticket.pk}:{now}",
            )
        )
    return ticket


@transaction.atomic
def measure_mark(*, by, measure: CorrectiveMeasure, done: bool = False, verified: bool = False):
    _require_desk(by, measure.ticket)
    now = timezone.now()
    if done and measure.done_at is None:
        measure.done_at = now
    if verified:
        if not has_post(by, Post.MANAGER):
            raise PermissionDenied
        if measure.done_at is None:
            raise ValidationError(_("整改完成后才能验证。"), code="invalid_state")
        measure.verified_at, measure.verified_by = now, by
    measure.save(update_fields=["done_at", "verified_at", "verified_by"])
    _event(measure.ticket, EventKind.MEASURE, by, measure.what, done=done, verified=verified)
    return measure


@transaction.atomic
def ticket_feedback(*, by, ticket, channel: str, text: str, version=None) -> Ticket:
    """CMP-4: tell the customer the result; the return-visit clock starts."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if ticket.kind == Kind.COMPLAINT and ticket.decided_at is None:
        raise ValidationError(_("经理作出处理决定后才能反馈客户。"), code="invalid_state")
    if not text.strip():
        raise _invalid("text", _("请填写反馈内容。"), "required")
    now = timezone.now()
    ticket.feedback_at = now
    ticket.return_visit_at = None
    ticket.return_visit_due = now + dt.timedelta(hours=policy().return_visit_hours)
    if not ticket.followed_up_at:
        ticket.followed_up_at = now
    ticket.status = Status.AWAITING_RETURN_VISIT
    _save(
        ticket,
        version,
        "feedback_at",
        "return_visit_at",
        "return_visit_due",
        "followed_up_at",
        "status",
    )
    _event(ticket, EventKind.FEEDBACK, by, text, public=True, channel=channel)
    refresh_search_text(ticket)
    return ticket


@transaction.atomic
def ticket_return_visit(
    *,
    by,
    ticket,
    channel: str,
    reached: bool,
    satisfaction: str = "",
    words: str = "",
    version=None,
) -> ReturnVisit:
    """CMP-5: record a return visit. Not satisfied reopens to the manager; unreachable after
    the attempt limit closes with that outcome."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if ticket.feedback_at is None:
        raise ValidationError(_("请先向客户反馈处理结果,再回访。"), code="invalid_state")
    if reached and satisfaction not in Satisfaction.values:
        raise _invalid("satisfaction", _("请选择客户满意度。"), "required")
    visit = ReturnVisit.objects.create(
        ticket=ticket,
        by=by,
        channel=channel,
        reached=reached,
        satisfaction=satisfaction if reached else "",
        words=words,
    )
    now = timezone.now()
    _event(
        ticket,
        EventKind.RETURN_VISIT,
        by,
        words,
        channel=channel,
        reached=reached,
        satisfaction=visit.satisfaction,
    )
    fields = [
        "return_visit_at",
        "satisfaction",
        "status",
        "outcome",
        "closed_at",
        "decided_at",
        "feedback_at",
        "investigation_due",
        "reported_at",
    ]
    if not reached:
        attempts = ticket.return_visits.filter(reached=False, at__gte=ticket.feedback_at).count()
        if attempts >= policy().return_visit_max_attempts:
            ticket.return_visit_at = now
            ticket.status, ticket.outcome, ticket.closed_at = (
                Status.CLOSED,
                Outcome.UNREACHABLE,
                now,
            )
            _event(ticket, EventKind.CLOSE, by, outcome=Outcome.UNREACHABLE, attempts=attempts)
        _save(ticket, version, *fields)
        return visit
    ticket.return_visit_at = now
    ticket.satisfaction = satisfaction
    if satisfaction == Satisfaction.NOT_SATISFIED:
        _reopen(ticket, by, _("回访不满意"), now)
    else:
        ticket.status = Status.RESOLVED
    _save(ticket, version, *fields)
    return visit


def _reopen(ticket, by, reason, now):
    ticket.status = Status.INVESTIGATING if ticket.kind == Kind.COMPLAINT else Status.OPEN
    ticket.closed_at = None
    ticket.outcome = ""
    # A merged ticket that is reopened carries on by itself, through its own kind's workflow.
    ticket.merged_into = None
    if ticket.kind == Kind.COMPLAINT:
        ticket.decided_at = None
        ticket.feedback_at = None
        ticket.return_visit_due = None
        ticket.return_visit_at = None
        _event(ticket, EventKind.REOPEN, by, reason)
        _report(ticket, by, now, reason)
    else:
        ticket.followed_up_at = None
        ticket.follow_up_due = now + dt.timedelta(hours=policy().inquiry_follow_up_hours)
        _event(ticket, EventKind.REOPEN, by, reason)


# What _reopen changes: every clock and result of the ticket's previous round.
REOPENED_FIELDS = (
    "status",
    "merged_into",
    "closed_at",
    "outcome",
    "decided_at",
    "feedback_at",
    "return_visit_due",
    "return_visit_at",
    "followed_up_at",
    "follow_up_due",
    "reported_at",
    "investigation_due",
)


@transaction.atomic
def ticket_reopen(*, by, ticket, reason: str, version=None) -> Ticket:
    _require_desk(by, ticket)
    if not reason.strip():
        raise _invalid("reason", _("请说明重新打开的原因。"), "required")
    if ticket.status != Status.CLOSED and ticket.status != Status.RESOLVED:
        raise ValidationError(_("只有已关闭或待关闭的工单可以重新打开。"), code="invalid_state")
    _reopen(ticket, by, reason, timezone.now())
    _save(ticket, version, *REOPENED_FIELDS)
    return ticket


def close_blockers(ticket) -> list[str]:
    """Why a ticket cannot be closed yet (empty when it can)."""
    reasons = []
    if ticket.status == Status.CLOSED:
        return [_("工单已关闭。")]
    if ticket.kind == Kind.COMPLAINT:
        if ticket.feedback_at is None:
            reasons.append(_("尚未向客户反馈处理结果。"))
        if ticket.return_visit_at is None:
            reasons.append(_("尚未记录回访。"))
    elif ticket.followed_up_at is None:
        reasons.append(_("尚未记录跟进客户。"))
    return reasons


@transaction.atomic
def ticket_close(*, by, ticket, note: str = "", version=None) -> Ticket:
    _require_desk(by, ticket)
    blockers = close_blockers(ticket)
    if blockers:
        raise ValidationError(" ".join(blockers), code="invalid_state")
    now = timezone.now()
    ticket.status, ticket.closed_at = Status.CLOSED, now
    ticket.outcome = ticket.outcome or (
        Outcome.RESOLVED if ticket.kind != Kind.INQUIRY else Outcome.ANSWERED
    )
    _save(ticket, version, "status", "closed_at", "outcome")
    _event(ticket, EventKind.CLOSE, by, note, outcome=ticket.outcome)
    return ticket


@transaction.atomic
def ticket_comment(
    *, by, ticket, text: str, public: bool = False, channel: str = ""
) -> TicketEvent:
    if not selectors.tickets_visible_to(by).filter(pk=ticket.pk).exists():
        raise PermissionDenied
    if public:
        _require_desk(by, ticket)  # messages to the customer are customer service's to send
    if not text.strip():
        raise _invalid("text", _("内容不能为空。"), "required")
    kind = EventKind.MESSAGE if public else EventKind.COMMENT
    event = _event(ticket, kind, by, text, public=public, channel=channel)
    if public:
        refresh_search_text(ticket)
    return event


@transaction.atomic
def ticket_assign(*, by, ticket, owner, version=None) -> Ticket:
    _require_desk(by, ticket)
    if not has_post(owner, *DESK_POSTS):
        raise _invalid("owner", _("只能指派给客服部人员。"))
    require_community(owner, ticket.community_id)
    ticket.owner = owner
    _save(ticket, version, "owner")
    _event(ticket, EventKind.ASSIGN, by, owner.staff.name)
    transaction.on_commit(
        lambda: notify(
            users=[owner],
            kind="assigned",
            text=_("工单 %(number)s 已指派给您") % {"number": ticket.number},
            link=_link(ticket),
            key=f"assign:{ticket.pk}:{ticket.version}",
        )
    )
    return ticket


@transaction.atomic
def ticket_merge(*, by, ticket, into, reason: str = "", version=None) -> Ticket:
    """A duplicate is closed into the ticket that carries on; both keep their timelines.

    Only into a ticket of the same kind: the one that carries on goes through the same
    workflow (a complaint's feedback and return visit), so nothing is skipped by merging
    (issue #11 point 12). Across kinds only the manager, with a reason, in the audit log.
    The merged ticket still counts under its own kind in every figure (reports/metrics.py)."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if into.pk == ticket.pk or into.community_id != ticket.community_id:
        raise _invalid("into", _("只能合并到同一小区的另一张工单。"))
    if into.status == Status.CLOSED:
        raise _invalid("into", _("不能合并到已关闭的工单。"))
    reason = reason.strip()
    cross_kind = into.kind != ticket.kind
    if cross_kind and not has_post(by, *MANAGER_POSTS):
        raise _invalid(
            "into",
            _(
                "只能合并到同类工单:%(kind)s不能合并到%(into_kind)s。"
                "不同类型的工单只能由经理填写原因后合并。"
            )
            % {"kind": ticket.get_kind_display(), "into_kind": into.get_kind_display()},
            "kind_mismatch",
        )
    if cross_kind and not reason:
        raise _invalid("reason", _("合并不同类型的工单须说明原因。"), "required")
    now = timezone.now()
    ticket.merged_into = into
    ticket.status, ticket.outcome, ticket.closed_at = Status.CLOSED, Outcome.MERGED, now
    _save(ticket, version, "merged_into", "status", "outcome", "closed_at")
    details = {"from_kind": ticket.kind, "into_kind": into.kind} if cross_kind else {}
    body = f"{into.number}\n{reason}".strip()
    _event(ticket, EventKind.MERGE, by, body, into=into.pk, **details)
    _event(into, EventKind.MERGE, by, ticket.number, merged=ticket.pk, **details)
    if cross_kind:
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=ticket,
            changes={
                "merged_into": [None, into.number],
                "kind": [ticket.kind, into.kind],
                "reason": reason,
            },
        )
    return ticket


@transaction.atomic
def ticket_link(*, by, ticket, other, remove: bool = False) -> Ticket:
    """Relate two tickets (the same leak reported by two floors), or undo it; both timelines
    say so. Unlike a merge, both stay open and keep their own clocks."""
    _require_desk(by, ticket)
    if other.pk == ticket.pk:
        raise _invalid("other", _("不能关联工单自身。"))
    linked = ticket.related.filter(pk=other.pk).exists()
    if remove != linked:
        message = _("这两张工单没有关联。") if remove else _("这两张工单已经关联。")
        raise _invalid("other", message)
    if remove:
        ticket.related.remove(other)
    else:
        ticket.related.add(other)
    kind_data = {"unlinked" if remove else "linked": True}
    _event(ticket, EventKind.LINK, by, other.number, other=other.pk, **kind_data)
    _event(other, EventKind.LINK, by, ticket.number, other=ticket.pk, **kind_data)
    return ticket


@transaction.atomic
def ticket_acknowledge(*, by, ticket) -> Ticket:
    """The manager has seen a major complaint or emergency: its banner goes away."""
    _require_manager(by, ticket)
    Ticket.objects.filter(pk=ticket.pk, manager_acknowledged_at__isnull=True).update(
        manager_acknowledged_at=timezone.now()
    )
    versions.bump(selectors.SEVERE_TICKETS)
    ticket.refresh_from_db(fields=["manager_acknowledged_at"])
    return ticket


@transaction.atomic
def incident_create(
    *,
    by,
    community,
    title: str,
    description: str = "",
    building=None,
    severity=Severity.EMERGENCY,
    tickets=(),
) -> Incident:
    _require_manager_or_desk(by, community.pk)
    if not (title or "").strip():
        raise _invalid("title", _("请填写标题。"), "required")
    if building is not None and building.community_id != community.pk:
        raise _invalid("building", _("楼栋不在该小区。"))
    incident = Incident.objects.create(
        community=community,
        building=building,
        title=title,
        description=description,
        severity=severity,
        created_by=by,
    )
    for ticket in tickets:
        incident_link(by=by, incident=incident, ticket=ticket)
    return incident


def _require_manager_or_desk(by, community_id):
    if not has_post(by, *DESK_POSTS):
        raise PermissionDenied
    require_community(by, community_id)


@transaction.atomic
def incident_link(*, by, incident, ticket) -> Ticket:
    _require_manager_or_desk(by, ticket.community_id)
    if ticket.community_id != incident.community_id:
        raise _invalid("ticket", _("工单与事件不在同一小区。"))
    Ticket.objects.filter(pk=ticket.pk).update(incident=incident, version=F("version") + 1)
    _event(ticket, EventKind.INCIDENT, by, incident.title, incident=incident.pk)
    return ticket


@transaction.atomic
def incident_update(*, by, incident, text: str, close: bool = False) -> int:
    """One update reaches every linked ticket's customer-visible timeline (MGR-5)."""
    _require_manager_or_desk(by, incident.community_id)
    if not text.strip():
        raise _invalid("text", _("内容不能为空。"), "required")
    now = timezone.now()
    tickets = list(incident.tickets.filter(status__in=OPEN_STATUSES))
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=t,
                kind=EventKind.INCIDENT,
                actor=by,
                body=text,
                public=True,
                at=now,
                data={"incident": incident.pk},
            )
            for t in tickets
        ]
    )
    if close:
        incident.closed_at = now
        incident.save(update_fields=["closed_at"])
    return len(tickets)


# ---------------------------------------------------------------- the customer's own actions


def _require_customer(by, ticket):
    """A resident acting on a ticket of their own (portal, portal API)."""
    if not getattr(by, "is_resident", False) or ticket.resident_id != by.resident_id:
        raise PermissionDenied


@transaction.atomic
def ticket_customer_reply(*, by, ticket, text: str, channel: str, version=None) -> TicketEvent:
    """SPE-2: the customer writes on their own ticket. On a closed ticket the policy decides:
    the reply reopens it, or it is refused and the customer is asked to submit a new one."""
    _require_customer(by, ticket)
    return _customer_reply(ticket, by, text, channel, version)


def _customer_reply(ticket, by, text, channel, version) -> TicketEvent:
    if not text.strip():
        raise _invalid("text", _("内容不能为空。"), "required")
    now = timezone.now()
    if ticket.status == Status.CLOSED:
        if policy().closed_reply != "reopen" or ticket.merged_into_id:
            raise _invalid("text", _("该工单已关闭,请提交新的诉求。"), "closed")
        _reopen(ticket, by, _("客户回复"), now)
        _save(ticket, version, *REOPENED_FIELDS)
    else:
        _save(ticket, version)
    event = _event(ticket, EventKind.CUSTOMER_REPLY, by, text, public=True, channel=channel)
    people = [ticket.owner] if ticket.owner_id else managers_of(ticket.community_id)
    note = _("客户回复了工单 %(number)s") % {"number": ticket.number}
    transaction.on_commit(
        lambda: notify(
            users=people,
            kind="customer_reply",
            text=note,
            link=_link(ticket),
            key=f"customer_reply:{event.pk}",
        )
    )
    refresh_search_text(ticket)
    return event


@transaction.atomic
def ticket_call_record(*, by, ticket, summary: str, notes: str = "", call: int) -> TicketEvent:
    """A phone call about the ticket from the call log (direction, outcome, length, what was
    said): an internal timeline row. Follow-ups and return visits have their own rows."""
    require_community(by, ticket.community_id)
    body = f"{summary}\n{notes}".strip()
    return _event(ticket, EventKind.CALL, by, body, channel=Channel.PHONE, call=call)


@transaction.atomic
def ticket_customer_record(*, by, ticket, kind: str, body: str = "", **data) -> TicketEvent:
    """The customer confirmed the result or rated the handling: a customer-visible row."""
    _require_customer(by, ticket)
    if kind not in (EventKind.CONFIRMED, EventKind.RATING):
        raise _invalid("kind", _("类型不正确。"))
    return _event(ticket, kind, by, body, public=True, **data)


# ------------------------------------------------------- what arrives by itself (inbound mail)


@transaction.atomic
def ticket_mail_reply(*, ticket, text: str, channel: str = Channel.EMAIL) -> TicketEvent:
    """The customer's reply that arrived by mail, threaded onto their ticket and recorded by
    the system user; on a closed ticket the policy decides, as for ticket_customer_reply."""
    ticket = Ticket.objects.get(pk=ticket.pk)  # the current version, whatever the caller held
    return _customer_reply(ticket, system_user(), text, channel, None)


def ticket_system_note(*, ticket, text: str) -> TicketEvent:
    """An internal note the software writes (e.g. which mail attachment was refused)."""
    return _event(ticket, EventKind.COMMENT, system_user(), text)


@transaction.atomic
def ticket_link_resident(*, by, ticket, resident, version=None) -> Ticket:
    """An assistant names the customer of a ticket that arrived from an unknown sender; their
    only home in the ticket's community becomes its room when it has none."""
    if not has_post(by, *INTAKE_POSTS):
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
    _event(ticket, EventKind.COMMENT, by, _("关联客户:%(name)s") % {"name": resident.name})
    refresh_search_text(ticket)
    return ticket
