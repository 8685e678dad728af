"""Handing a ticket to a department (INQ-3, MGR-4) and the department's answer."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import has_post, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.accounts.models import User
from wuyedesk.lib.messages import Msg
from wuyedesk.tickets.choices import (
    DispatchPurpose,
    EventKind,
    Status,
)
from wuyedesk.tickets.models import (
    Dispatch,
)
from wuyedesk.tickets.services.base import (
    DESK_POSTS,
    _event,
    _invalid,
    _link,
    _require_desk,
    _require_open,
    _save,
    is_desk,
    refresh_search_text,
)
from wuyedesk.tickets.signals import notify_staff
from wuyedesk.training.selectors import induction_block


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
    blocked = induction_block(assignee) if assignee is not None else None
    if blocked:  # MGT-4: nobody is handed work alone before the induction is passed
        raise _invalid("assignee", blocked, "induction")
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
    _notify_department(dispatch, gettext_noop("新转办工单 %(number)s:%(title)s"))
    return dispatch


def _notify_department(dispatch, template):
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
    text = Msg(template, number=ticket.number, title=ticket.title)
    transaction.on_commit(
        lambda: notify_staff(
            users=people,
            kind="dispatch",
            text=text,
            link=_link(ticket),
            key=f"dispatch:{dispatch.pk}",
        )
    )


def may_answer_dispatches(user, ticket, purpose) -> bool:
    """Customer service, or the staff of a department this ticket was sent to for `purpose`
    (a transfer, an investigation). Whether a dispatch is still open is the ticket's state,
    not the person's right; which dispatch they answer is `may_work_dispatch`."""
    return is_desk(user, ticket) or is_dispatch_department(user, ticket, purpose)


def is_dispatch_department(user, ticket, purpose) -> bool:
    """The staff of a department this ticket was sent to for `purpose`: whose turn its
    answer is (customer service may record it for them, `may_answer_dispatches`)."""
    staff = staff_of(user)
    if staff is None or not staff.department_id or not has_post(user, Post.DEPARTMENT):
        return False
    return any(
        d.purpose == purpose and d.department_id == staff.department_id
        for d in ticket.rows("dispatches")
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
        note = Msg(
            gettext_noop("%(department)s 已答复工单 %(number)s"),
            department=dispatch.department.name,
            number=ticket.number,
        )
        transaction.on_commit(
            lambda: notify_staff(
                users=[ticket.owner],
                kind="reply",
                text=note,
                link=_link(ticket),
                key=f"reply:{dispatch.pk}",
            )
        )
    refresh_search_text(ticket)
    return dispatch
