"""Canned replies (快捷回复, issue #12 point 7): who keeps which, the placeholders, and the
text filled for one ticket and one reply box (docs/service-desk.md, "Canned replies").

- Personal replies belong to one staff member (any post that writes in the ticket page's
  boxes); only they see and edit them.
- Shared replies belong to a department: its members use them; the manager and the
  administrator create, edit and delete them (for any department).
- Placeholders are written `{客户}` (the resident's name), `{工单号}` (the ticket number) and
  `{期限}` (the ticket's next deadline, company time); anything else in braces is refused.
  They are filled on the server for the box's reader: the resident's name as the ticket
  page shows it to staff and, in a box the resident reads, as the resident is addressed;
  phone numbers and addresses are never placeholders.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post, is_staff_member, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.tickets.actions import ACTIONS
from wuyedesk.tickets.canned_models import BODY_MAX, TITLE_MAX, CannedReply
from wuyedesk.tickets.choices import Audience

# Who keeps personal replies and uses the shared ones: the posts that write in reply boxes.
USER_POSTS = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER, Post.DEPARTMENT, Post.ADMIN)
# Who edits the shared replies of every department.
SHARED_EDITORS = (Post.MANAGER, Post.ADMIN)
CUSTOMER, TICKET, DEADLINE = "客户", "工单号", "期限"
PLACEHOLDERS = (CUSTOMER, TICKET, DEADLINE)
PLACEHOLDER = re.compile(r"\{([^{}\n]{0,30})\}")
# The boxes of the ticket page a reply is inserted in: action slug → its text field.
BOXES = {
    "follow_up": "text",
    "feedback": "text",
    "message": "text",
    "comment": "text",
    "reply": "text",
    "findings": "text",
}


def may_use(user) -> bool:
    return is_staff_member(user) and has_post(user, *USER_POSTS)


def may_edit_shared(user) -> bool:
    return has_post(user, *SHARED_EDITORS)


def may_edit(user, reply: CannedReply) -> bool:
    if reply.personal:
        return reply.owner_id == user.pk
    return may_edit_shared(user)


def _department_id(user):
    staff = staff_of(user)
    return staff.department_id if staff is not None else None


def replies_for(user):
    """The replies `user` may insert: their own and their department's shared ones."""
    if not may_use(user):
        return CannedReply.objects.none()
    mine = Q(owner=user)
    department = _department_id(user)
    if department is not None:
        mine |= Q(department_id=department)
    return CannedReply.objects.filter(mine).select_related("department")


def replies_listed_for(user):
    """The management page's and the API's list: what they use, and every shared reply for
    those who edit them."""
    if not may_use(user):
        return CannedReply.objects.none()
    if may_edit_shared(user):
        return CannedReply.objects.filter(
            Q(owner=user) | Q(department__isnull=False)
        ).select_related("department")
    return replies_for(user)


def reply_get_for_user(user, pk) -> CannedReply:
    """A reply the user sees on the management page (404 otherwise)."""
    return get_object_or_404(replies_listed_for(user), pk=pk)


# ---------------------------------------------------------------- placeholders


def unknown_placeholders(text: str) -> list[str]:
    return [m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(1) not in PLACEHOLDERS]


def _available() -> str:
    return "、".join("{" + name + "}" for name in PLACEHOLDERS)


def _customer_name(ticket, audience: str) -> str:
    resident = ticket.resident
    if resident is not None:
        return resident.name
    return _("业主") if audience == Audience.CUSTOMER else _("未登记客户")


def _deadline(ticket) -> str:
    if ticket.next_due is None:
        return "—"
    return timezone.localtime(ticket.next_due).strftime("%Y-%m-%d %H:%M")


def fill(text: str, ticket, audience: str) -> str:
    """`text` with its placeholders filled for `ticket`, as the reader of a box of
    `audience` (tickets.choices.Audience) sees them."""
    values = {
        CUSTOMER: _customer_name(ticket, audience),
        TICKET: ticket.number,
        DEADLINE: _deadline(ticket),
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def box_audience(slug: str) -> str:
    """Who reads the reply box of action `slug` (the field's own mark, tickets/action_forms)."""
    if slug not in BOXES or slug not in ACTIONS:
        raise ValidationError(
            {"box": ValidationError(_("没有这个回复框。"), code="invalid_choice")}
        )
    return ACTIONS[slug].form.base_fields[BOXES[slug]].audience


def filled_for_ticket(user, ticket, slug: str) -> list[dict]:
    """Every reply `user` may insert, filled for `ticket` and the box of action `slug`."""
    audience = box_audience(slug)
    return [
        {"id": r.pk, "title": r.title, "text": fill(r.body, ticket, audience), "reply": r}
        for r in replies_for(user)
    ]


# ---------------------------------------------------------------- writes


def _clean(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = ValidationError(_("请填写标题。"), code="required")
    elif len(title) > TITLE_MAX:
        errors["title"] = ValidationError(
            _("标题最多 %(n)s 个字。") % {"n": TITLE_MAX}, code="max_length"
        )
    if not body:
        errors["body"] = ValidationError(_("请填写内容。"), code="required")
    elif len(body) > BODY_MAX:
        errors["body"] = ValidationError(
            _("内容最多 %(n)s 个字。") % {"n": BODY_MAX}, code="max_length"
        )
    elif unknown := unknown_placeholders(body):
        message = _("未知的占位符 %(found)s。可用的占位符:%(names)s。") % {
            "found": "、".join("{" + name + "}" for name in unknown),
            "names": _available(),
        }
        errors["body"] = ValidationError(message, code="unknown_placeholder")
    if errors:
        raise ValidationError(errors)
    return title, body


def _audit(by, action, reply, changes=None):
    audit_record(
        actor=by,
        action=action,
        obj=reply,
        changes=changes,
        details={"department": reply.department_id, "personal": reply.personal},
    )


@transaction.atomic
def canned_create(*, by, title: str, body: str, department=None) -> CannedReply:
    """A personal reply (no department), or one shared by `department` (manager, admin)."""
    if not may_use(by):
        raise PermissionDenied
    if department is not None and not may_edit_shared(by):
        raise PermissionDenied
    title, body = _clean(title, body)
    reply = CannedReply.objects.create(
        title=title,
        body=body,
        department=department,
        owner=None if department is not None else by,
        created_by=by,
    )
    _audit(by, AuditAction.CREATE, reply)
    return reply


@transaction.atomic
def canned_update(*, by, reply: CannedReply, title: str, body: str) -> CannedReply:
    if not may_edit(by, reply):
        raise PermissionDenied
    title, body = _clean(title, body)
    changes = {
        name: [getattr(reply, name), value]
        for name, value in (("title", title), ("body", body))
        if getattr(reply, name) != value
    }
    reply.title, reply.body = title, body
    reply.save(update_fields=["title", "body", "updated_at"])
    _audit(by, AuditAction.UPDATE, reply, changes)
    return reply


@transaction.atomic
def canned_delete(*, by, reply: CannedReply) -> None:
    if not may_edit(by, reply):
        raise PermissionDenied
    _audit(by, AuditAction.ARCHIVE, reply, {"title": [reply.title, None]})
    reply.delete()
