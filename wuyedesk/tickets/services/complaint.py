"""A complaint's own steps (CMP-2..5): report, investigation, decision and corrective
measures, feedback to the customer, return visit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wuyedesk.accounts.access import has_post, in_scope, staff_of
from wuyedesk.accounts.choices import Post
from wuyedesk.lib.messages import Msg
from wuyedesk.policies.choices import ClockStart
from wuyedesk.policies.services import policy
from wuyedesk.tickets.choices import (
    DispatchPurpose,
    EventKind,
    Kind,
    Outcome,
    Satisfaction,
    Status,
)
from wuyedesk.tickets.models import (
    CorrectiveMeasure,
    Dispatch,
    ReturnVisit,
    Ticket,
)
from wuyedesk.tickets.services.base import (
    _event,
    _invalid,
    _link,
    _reopen,
    _report,
    _require_desk,
    _require_manager,
    _require_open,
    _save,
    is_desk,
    refresh_search_text,
    start_clock,
)
from wuyedesk.tickets.services.dispatch import _notify_department
from wuyedesk.tickets.signals import measure_recorded, notify_staff


@transaction.atomic
def ticket_escalate(*, by, ticket, reason: str, version=None) -> Ticket:
    """CMP-2: report to the manager by hand (when the policy did not do it at intake)."""
    _require_desk(by, ticket)
    _require_open(ticket)
    if ticket.reported_at is not None and ticket.decided_at is None:
        raise ValidationError(_("已上报经理。"), code="invalid_state")
    _report(ticket, by, timezone.now(), reason)
    _save(ticket, version, "reported_at", "investigation_due", "clock_basis")
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
    _save(ticket, version, "status", "reported_at", "investigation_due", "clock_basis")
    _event(ticket, EventKind.INVESTIGATION, by, note, departments=[d.name for d in departments])
    for dispatch in made:
        _notify_department(dispatch, gettext_noop("投诉 %(number)s 需要调查:%(title)s"))
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
    rules = policy()
    waiting = ticket.dispatches.filter(
        purpose=DispatchPurpose.INVESTIGATION, replied_at__isnull=True, cancelled_at__isnull=True
    )
    if rules.decision_needs_findings and waiting.exists():
        names = "、".join(waiting.values_list("department__name", flat=True))
        message = _("处理决定前须收齐各部门的调查结果,尚未答复:%(departments)s。")
        raise ValidationError(message % {"departments": names}, code="findings_missing")
    if rules.decision_needs_measure and not measures:
        raise _invalid("measures", _("处理决定须至少包含一项整改措施。"), "required")
    for i, m in enumerate(measures):
        if not (m.get("what") or "").strip():
            raise _invalid(f"measures.{i}.what", _("请填写整改措施。"), "required")
        if m.get("department") is None:
            raise _invalid(f"measures.{i}.department", _("请选择责任部门。"), "required")
        if m.get("due") is None:
            raise _invalid(f"measures.{i}.due", _("请填写完成期限。"), "required")
    now = timezone.now()
    for m in measures:
        measure = CorrectiveMeasure.objects.create(
            ticket=ticket,
            what=m["what"],
            department=m["department"],
            owner=m.get("owner"),
            due=m["due"],
        )
        measure_recorded.send(sender=CorrectiveMeasure, measure=measure, by=by)
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
        text = Msg(gettext_noop("投诉 %(number)s 已有处理决定,请反馈客户"), number=ticket.number)
        transaction.on_commit(
            lambda: notify_staff(
                users=[ticket.owner],
                kind="decided",
                text=text,
                link=_link(ticket),
                key=f"decided:{ticket.pk}:{now}",
            )
        )
    return ticket


def may_mark_measure_done(user, measure: CorrectiveMeasure) -> bool:
    """CMP-3: the department responsible marks its measure done (its owner, or a member of
    the department); customer service of the community may record it for them."""
    if measure.owner_id == user.pk:
        return True
    staff = staff_of(user)
    if staff is not None and staff.department_id == measure.department_id:
        return has_post(user, Post.DEPARTMENT, Post.SUPERVISOR) and in_scope(
            user, measure.ticket.community_id
        )
    return is_desk(user, measure.ticket)


@transaction.atomic
def measure_mark(*, by, measure: CorrectiveMeasure, done: bool = False, verified: bool = False):
    """The department marks its measure done; customer service (not the one who did it)
    verifies it."""
    now = timezone.now()
    if done and not may_mark_measure_done(by, measure):
        raise PermissionDenied
    if verified and not is_desk(by, measure.ticket):
        raise PermissionDenied
    if done and measure.done_at is None:
        measure.done_at = now
    if verified:
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
    events = {ClockStart.FEEDBACK: now, ClockStart.DECISION: ticket.decided_at}
    start_clock(ticket, "return_visit", events)
    if not ticket.followed_up_at:
        ticket.followed_up_at = now
    ticket.status = Status.AWAITING_RETURN_VISIT
    _save(
        ticket,
        version,
        "feedback_at",
        "return_visit_at",
        "return_visit_due",
        "clock_basis",
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
        "clock_basis",
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
