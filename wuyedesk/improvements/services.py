"""Every change to an improvement item (SUR-3, MGR-3): permission, validation, the change and
its progress row in one transaction; notifications after the commit.

Who does what:
- the manager and the assistant create and edit items (of their communities);
- the owner, the responsible department's staff, the manager and the assistant post progress
  and mark an item done (a complaint's measure: also the community's customer-service desk,
  and only customer service marks it done, as on the ticket page);
- the manager verifies a done item as effective or not, with a note;
- the supervision group's close of an inspection makes the rectification of each failed
  item (`item_from_finding`, source 检查发现).

Items from a complaint's corrective measure: the measure is the one source of truth for done
and verified. Marking such an item done or verified effective calls the ticket's own
`measure_mark` (so the ticket's timeline shows it, and it needs a customer-service post as on
the ticket page); marking the measure on the ticket page shows on the item at once
(selectors.with_status). "Not effective" exists only on the item.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import community_ids, has_post, is_staff_member, staff_of
from wuyedesk.accounts.choices import IMPROVEMENT_PLANNERS, Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.improvements import selectors
from wuyedesk.improvements.choices import ACTIVE_STATUSES, ItemStatus, Source
from wuyedesk.improvements.models import ImprovementItem, ImprovementUpdate
from wuyedesk.notifications.services import notify
from wuyedesk.properties.selectors import departments_visible_to
from wuyedesk.tickets.services import managers_of, measure_mark

PLANNERS = IMPROVEMENT_PLANNERS
VERIFIERS = (Post.MANAGER,)
DESK = (Post.SPECIALIST, Post.ASSISTANT, Post.MANAGER)
EDITABLE = ("title", "department", "owner", "measures", "due", "community")


def _invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def _link(item) -> str:
    return reverse("improvement_detail", kwargs={"pk": item.pk})


def _in_scope(by, community_id) -> bool:
    ids = community_ids(by)
    return ids is None or community_id is None or community_id in ids


def may_plan(user, community_id=None) -> bool:
    return has_post(user, *PLANNERS) and _in_scope(user, community_id)


def may_work(user, item) -> bool:
    """May post progress on the item (and mark it done, see may_mark_done)."""
    if not is_staff_member(user):
        return False
    if may_plan(user, item.community_id):
        return True
    if item.measure_id is not None and has_post(user, *DESK) and _in_scope(user, item.community_id):
        return True  # the desk follows a complaint's measures, as on the ticket page
    staff = staff_of(user)
    return item.owner_id == user.pk or bool(staff and staff.department_id == item.department_id)


def may_mark_done(user, item) -> bool:
    if item.measure_id is not None:  # as on the ticket page: customer service marks measures
        return has_post(user, *DESK) and may_work(user, item)
    return may_work(user, item)


def may_verify(user, item) -> bool:
    return has_post(user, *VERIFIERS) and _in_scope(user, item.community_id)


def _validate(by, data: dict, *, today=None) -> None:
    errors = {}
    today = today or timezone.localdate()
    if not (data.get("title") or "").strip():
        errors["title"] = ValidationError(_("请填写标题。"), code="required")
    if not (data.get("measures") or "").strip():
        errors["measures"] = ValidationError(_("请填写改进措施。"), code="required")
    department = data.get("department")
    if department is None:
        errors["department"] = ValidationError(_("请选择责任部门。"), code="required")
    elif not departments_visible_to(by).filter(pk=department.pk, archived_at__isnull=True).exists():
        errors["department"] = ValidationError(_("找不到该部门。"), code="invalid_choice")
    due = data.get("due")
    if due is None:
        errors["due"] = ValidationError(_("请填写完成期限。"), code="required")
    elif due < today:
        errors["due"] = ValidationError(_("完成期限不能早于今天。"), code="past")
    community = data.get("community")
    if community is not None and not _in_scope(by, community.pk):
        errors["community"] = ValidationError(_("小区不在您负责的范围内。"), code="invalid_choice")
    owner = data.get("owner")
    if owner is not None and staff_of(owner) is None:
        errors["owner"] = ValidationError(_("负责人必须是在职员工。"), code="invalid_choice")
    if errors:
        raise ValidationError(errors)


def _notify_owner(item, text_template, key):
    if item.owner_id is None:
        return
    text = text_template % {"title": item.title}
    owner = item.owner
    transaction.on_commit(
        lambda: notify(users=[owner], kind="improvement", text=text, link=_link(item), key=key)
    )


@transaction.atomic
def item_create(
    *,
    by,
    title: str,
    source: str,
    department,
    measures: str,
    due: dt.date,
    owner=None,
    community=None,
    **survey,
) -> ImprovementItem:
    """A new improvement item. `survey` holds campaign and dimension for a survey finding."""
    if not may_plan(by, community.pk if community else None):
        raise PermissionDenied
    if source not in Source.values or source == Source.COMPLAINT:
        # Complaint items come from the manager's decision on the ticket (item_from_measure).
        raise _invalid("source", _("来源不正确。"))
    data = {
        "title": title,
        "department": department,
        "measures": measures,
        "due": due,
        "owner": owner,
        "community": community,
    }
    _validate(by, data)
    if source == Source.SURVEY:
        _validate_survey(community, survey)
    item = ImprovementItem(
        title=title.strip()[:120],
        source=source,
        department=department,
        owner=owner,
        measures=measures.strip(),
        due=due,
        community=community,
        created_by=by,
        **{k: v for k, v in survey.items() if v is not None},
    )
    item.full_clean(exclude=["created_by"])
    item.save()
    ImprovementUpdate.objects.create(item=item, by=by, text=_("创建改进事项"), status=item.status)
    audit_record(actor=by, action=AuditAction.CREATE, obj=item)
    _notify_owner(item, _("您负责的改进事项:%(title)s"), f"improvement:{item.pk}:owner")
    return item


def _validate_survey(community, survey: dict) -> None:
    errors = {}
    if community is None:
        errors["community"] = ValidationError(_("调查发现需要选择小区。"), code="required")
    for name in ("campaign", "dimension"):
        if survey.get(name) is None:
            errors[name] = ValidationError(_("调查发现需要选择调查和维度。"), code="required")
    if errors:
        raise ValidationError(errors)


def item_from_measure(*, measure, by) -> ImprovementItem:
    """A complaint's corrective measure joins the one list (called inside ticket_decide's
    transaction)."""
    ticket = measure.ticket
    item = ImprovementItem.objects.create(
        title=f"{ticket.number} {measure.what.strip()}"[:120],
        source=Source.COMPLAINT,
        measure=measure,
        community_id=ticket.community_id,
        department=measure.department,
        owner=measure.owner,
        measures=measure.what,
        due=measure.due,
        created_by=by,
    )
    ImprovementUpdate.objects.create(
        item=item, by=by, text=_("来自投诉 %(number)s 的整改措施") % {"number": ticket.number}
    )
    _notify_owner(item, _("您负责的改进事项:%(title)s"), f"improvement:{item.pk}:owner")
    return item


def item_from_finding(
    *, by, title: str, department, owner, measures: str, due: dt.date, community=None
) -> ImprovementItem:
    """A failed item of a closed inspection becomes a rectification (source 检查发现). Called
    inside the supervision group's close, which checked that `by` may inspect the person;
    the item then follows this app's flow (the owner works it, the manager verifies it)."""
    item = ImprovementItem.objects.create(
        title=title.strip()[:120],
        source=Source.INSPECTION,
        department=department,
        owner=owner,
        community=community,
        measures=measures.strip(),
        due=due,
        created_by=by,
    )
    ImprovementUpdate.objects.create(item=item, by=by, text=_("来自监督检查的整改"))
    audit_record(actor=by, action=AuditAction.CREATE, obj=item)
    _notify_owner(item, _("您负责的改进事项:%(title)s"), f"improvement:{item.pk}:owner")
    return item


@transaction.atomic
def item_update(*, by, item: ImprovementItem, **changes) -> ImprovementItem:
    """Edit title, department, owner, measures, due date or community (manager, assistant)."""
    if not may_plan(by, item.community_id):
        raise PermissionDenied
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise _invalid(sorted(unknown)[0], _("该字段不能修改。"))
    if item.measure_id is not None and {"due", "department", "measures"} & set(changes):
        raise _invalid("measures", _("投诉整改措施请在工单上修改。"), "from_measure")
    data = {name: getattr(item, name) for name in EDITABLE}
    before = dict(data)
    data.update(changes)
    # An unchanged past due date (an overdue item) stays valid; a new one must not be past.
    today = timezone.localdate() if data["due"] != item.due else min(item.due, timezone.localdate())
    _validate(by, data, today=today)
    for name, value in data.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    if item.due != before["due"]:
        item.reminded_for = item.overdue_notified_for = None  # a new deadline, new notices
    item.save()

    changed = diff_fields(before, {k: getattr(item, k) for k in EDITABLE})
    if changed:
        audit_record(actor=by, action=AuditAction.UPDATE, obj=item, changes=changed)
    if item.owner_id and item.owner_id != getattr(before["owner"], "pk", None):
        _notify_owner(
            item, _("您负责的改进事项:%(title)s"), f"improvement:{item.pk}:owner:{item.owner_id}"
        )
    return item


@transaction.atomic
def item_progress(*, by, item: ImprovementItem, text: str, status: str = "") -> ImprovementUpdate:
    """A progress update, optionally moving the item to in progress or done."""
    if not may_work(by, item):
        raise PermissionDenied
    if not (text or "").strip():
        raise _invalid("text", _("请填写进展情况。"), "required")
    current = _status_now(item)
    if status and status not in (ItemStatus.IN_PROGRESS, ItemStatus.DONE):
        raise _invalid("status", _("只能改为进行中或已完成;验证由经理进行。"))
    if status and current not in ACTIVE_STATUSES and current != ItemStatus.NOT_EFFECTIVE:
        raise _invalid("status", _("该事项已完成,不能再改状态。"), "invalid_state")
    if current == ItemStatus.NOT_EFFECTIVE and status and not may_plan(by, item.community_id):
        raise PermissionDenied  # reopening an ineffective item is the planners' decision
    now = timezone.now()
    if status == ItemStatus.DONE:
        if not may_mark_done(by, item):
            raise PermissionDenied
        if item.measure_id is not None and item.measure.done_at is None:
            measure_mark(by=by, measure=item.measure, done=True)
        item.done_at = item.done_at or now
    if status:
        item.status = status
        if status == ItemStatus.IN_PROGRESS:
            item.done_at = None
            item.verified_at, item.verified_by, item.verification_note = None, None, ""
        item.save(
            update_fields=["status", "done_at", "verified_at", "verified_by", "verification_note"]
        )
    update = ImprovementUpdate.objects.create(item=item, by=by, text=text.strip(), status=status)
    if status == ItemStatus.DONE:
        managers = managers_of(item.community_id) if item.community_id else []
        text_ = _("改进事项已完成,待验证效果:%(title)s") % {"title": item.title}
        transaction.on_commit(
            lambda: notify(
                users=managers,
                kind="improvement_done",
                text=text_,
                link=_link(item),
                key=f"improvement:{item.pk}:done:{now.isoformat()}",
            )
        )
    return update


def _status_now(item) -> str:
    return (
        getattr(item, "status_now", None)
        or selectors.with_status(ImprovementItem.objects.filter(pk=item.pk))
        .values_list("status_now", flat=True)
        .get()
    )


@transaction.atomic
def item_verify(*, by, item: ImprovementItem, effective: bool, note: str) -> ImprovementItem:
    """The manager's verdict on a done item: effective or not, with the reason."""
    if not may_verify(by, item):
        raise PermissionDenied
    if not (note or "").strip():
        raise _invalid("note", _("请填写验证说明。"), "required")
    if _status_now(item) != ItemStatus.DONE:
        raise ValidationError(_("改进事项完成后才能验证效果。"), code="invalid_state")
    now = timezone.now()
    if effective and item.measure_id is not None:
        measure_mark(by=by, measure=item.measure, verified=True)
    item.status = ItemStatus.EFFECTIVE if effective else ItemStatus.NOT_EFFECTIVE
    item.verified_at, item.verified_by, item.verification_note = now, by, note.strip()
    item.save(update_fields=["status", "verified_at", "verified_by", "verification_note"])
    ImprovementUpdate.objects.create(item=item, by=by, text=note.strip(), status=item.status)
    audit_record(
        actor=by, action=AuditAction.UPDATE, obj=item, changes={"status": ["done", item.status]}
    )
    _notify_owner(
        item,
        _("改进事项已验证:%(title)s"),
        f"improvement:{item.pk}:verified:{now.isoformat()}",
    )
    return item
