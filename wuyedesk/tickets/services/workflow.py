"""The steps every ticket shares: follow-up, reopen, close, comment, assign, merge, link,
and the manager's acknowledgement of a severe ticket."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import has_post, require_community
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.lib.messages import Msg
from wuyedesk.tickets import selectors
from wuyedesk.tickets.choices import (
    AckMethod,
    Channel,
    DispatchPurpose,
    EventKind,
    Kind,
    Outcome,
    Status,
)
from wuyedesk.tickets.models import (
    Ticket,
    TicketEvent,
)
from wuyedesk.tickets.services.base import (
    DESK_POSTS,
    MANAGER_POSTS,
    REOPENED_FIELDS,
    _event,
    _invalid,
    _link,
    _reopen,
    _require_desk,
    _require_manager,
    _require_open,
    _save,
    refresh_search_text,
)
from wuyedesk.tickets.signals import notify_staff
from wuyedesk.training.selectors import induction_block


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
def ticket_acknowledge_receipt(*, by, ticket, method: str, note: str = "") -> TicketEvent:
    """ISO 10002 acknowledgement as its own timeline row (#14 point 4): the desk records that
    the customer was told their contact is recorded (by phone, SMS, mail or the portal) when
    it did not happen at intake (a voicemail, a letter, a caller without portal or e-mail)."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if method not in AckMethod.values:
        raise _invalid("method", _("请选择告知方式。"), "invalid_choice")
    return _event(ticket, EventKind.ACKNOWLEDGED, by, note.strip(), method=method)


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


@dataclass(frozen=True)
class Step:
    """One thing an open ticket still needs, in the order the work goes.

    `actions` name the ticket page's actions that take the step, preferred first
    (tickets/actions.py asks which the person may take); `missing` says what is missing;
    `blocks_close` marks what `ticket_close` requires; `waits` marks a step the later ones
    wait for (a decision waits for the findings), where somebody else's turn stops the
    page from offering a later step as the primary one; `department` names the purpose of
    the dispatches whose department's turn it is (customer service may record their answer
    for them, but it is not customer service's next step).
    """

    actions: tuple[str, ...]
    missing: str
    blocks_close: bool = False
    waits: bool = False
    department: str = ""


INVESTIGATION = DispatchPurpose.INVESTIGATION


def pending_steps(ticket) -> list[Step]:
    """What the ticket still needs before it can be closed, first things first (issue #12
    point 3). The ticket page's primary action is taken from these (tickets/actions.py
    `lead`), and `close_blockers` is the part of them closing checks: one rule, read by
    both, so nobody learns it only when closing is refused.

    Reads `ticket.rows("dispatches")`, which the ticket page has read with the ticket."""
    if ticket.status == Status.CLOSED:
        return []
    steps = []
    if ticket.kind == Kind.COMPLAINT:
        if ticket.decided_at is None:
            if ticket.reported_at is None:
                # The manager reports it by arranging the investigation (ticket_investigate).
                steps.append(Step(("investigate", "escalate"), _("尚未上报经理。")))
            inquiries = [
                d
                for d in ticket.rows("dispatches")
                if d.purpose == INVESTIGATION and d.cancelled_at is None
            ]
            if any(d.is_open for d in inquiries):
                missing = _("调查部门尚未提交调查结果。")
                steps.append(Step(("findings",), missing, waits=True, department=INVESTIGATION))
            elif not inquiries:
                steps.append(Step(("investigate",), _("经理尚未安排调查。")))
            steps.append(Step(("decide",), _("经理尚未作出处理决定。"), waits=True))
        if ticket.feedback_at is None:
            steps.append(Step(("feedback",), _("尚未向客户反馈处理结果。"), blocks_close=True))
        if ticket.return_visit_at is None:
            steps.append(Step(("return_visit",), _("尚未记录回访。"), blocks_close=True))
        return steps
    if any(d.purpose == DispatchPurpose.TRANSFER and d.is_open for d in ticket.rows("dispatches")):
        steps.append(Step(("reply",), _("部门尚未回复。"), department=DispatchPurpose.TRANSFER))
    if ticket.followed_up_at is None:
        steps.append(Step(("follow_up",), _("尚未记录跟进客户。"), blocks_close=True))
    if ticket.feedback_at is not None and ticket.return_visit_at is None:
        steps.append(Step(("return_visit",), _("尚未记录回访。")))
    return steps


def close_blockers(ticket) -> list[str]:
    """Why a ticket cannot be closed yet (empty when it can)."""
    if ticket.status == Status.CLOSED:
        return [_("工单已关闭。")]
    return [step.missing for step in pending_steps(ticket) if step.blocks_close]


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
    blocked = induction_block(owner)  # MGT-4: not alone before the induction is passed
    if blocked:
        raise _invalid("owner", blocked, "induction")
    ticket.owner = owner
    _save(ticket, version, "owner")
    _event(ticket, EventKind.ASSIGN, by, owner.staff.name)
    transaction.on_commit(
        lambda: notify_staff(
            users=[owner],
            kind="assigned",
            text=Msg(gettext_noop("工单 %(number)s 已指派给您"), number=ticket.number),
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
