"""Work plans (MGR-1): drafted by the manager or the assistant, published by the manager;
targets for the figures of workplans.figures.METRICS and planned initiatives."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import staff_of
from wuyedesk.accounts.selectors import active_staff
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.workplans import periods, selectors
from wuyedesk.workplans.choices import Comparison, PlanPeriod, PlanStatus
from wuyedesk.workplans.figures import METRICS
from wuyedesk.workplans.models import Initiative, Target, WorkPlan
from wuyedesk.workplans.services.common import invalid, require_scope

MAX_TARGET = Decimal("1000")


def _require_editor(user):
    if not selectors.may_edit(user):
        raise PermissionDenied


def _lock(plan) -> WorkPlan:
    return WorkPlan.objects.select_for_update().get(pk=plan.pk)


def _require_draft(plan):
    if plan.status != PlanStatus.DRAFT:
        raise invalid("status", _("计划已发布,目标不能再修改。"), "invalid_state")


@transaction.atomic
def plan_create(*, by, title: str, period: str, day: dt.date, community=None, notes="") -> WorkPlan:
    """A draft plan for the month, quarter or year holding `day`."""
    _require_editor(by)
    title = (title or "").strip()
    if not title:
        raise invalid("title", _("请填写标题。"), "required")
    if period not in PlanPeriod.values:
        raise invalid("period", _("请选择计划周期。"))
    if day is None:
        raise invalid("day", _("请选择计划所在的日期。"), "required")
    require_scope(by, community)
    start, end = periods.bounds(period, day)
    plan = WorkPlan.objects.create(
        title=title[:120],
        period=period,
        start=start,
        end=end,
        community=community,
        notes=(notes or "").strip(),
        created_by=by,
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=plan,
        changes={"period": [None, period], "start": [None, start.isoformat()]},
    )
    versions.bump(selectors.PLANS_VERSION)  # the homes' kept targets (web/home.py)
    return plan


def _value(value) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise invalid("value", _("请输入目标值(数字)。")) from None
    if number < 0 or number > MAX_TARGET:
        raise invalid("value", _("目标值须在 0 到 1000 之间。"))
    return number


@transaction.atomic
def target_set(*, by, plan, metric: str, value, comparison: str = "") -> Target:
    """Set (or change) the plan's target for one figure; the comparison defaults to the
    figure's usual direction (at least for rates, at most for late recording and complaints)."""
    _require_editor(by)
    require_scope(by, plan.community)
    plan = _lock(plan)
    _require_draft(plan)
    if metric not in METRICS:
        raise invalid("metric", _("请选择指标。"))
    _label, unit, usual = METRICS[metric]
    comparison = comparison or usual
    if comparison not in Comparison.values:
        raise invalid("comparison", _("请选择比较方向。"))
    number = _value(value)
    if unit == "%" and number > 100:
        raise invalid("value", _("百分比目标不能超过 100。"))
    target = Target.objects.filter(plan=plan, metric=metric).first()
    before = {"value": target.value, "comparison": target.comparison} if target else {}
    if target is None:
        target = Target(plan=plan, metric=metric)
    target.value, target.comparison = number, comparison
    target.save()
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=plan,
        changes={
            f"target:{metric}": [
                f"{before['comparison']} {before['value']}" if before else None,
                f"{comparison} {number}",
            ]
        },
    )
    versions.bump(selectors.PLANS_VERSION)  # the homes' kept targets (web/home.py)
    return target


@transaction.atomic
def target_remove(*, by, plan, target_id: int) -> None:
    _require_editor(by)
    require_scope(by, plan.community)
    plan = _lock(plan)
    _require_draft(plan)
    target = Target.objects.filter(plan=plan, pk=target_id).first()
    if target is None:
        raise invalid("target", _("找不到该目标。"), "invalid_choice")
    target.delete()
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=plan,
        changes={f"target:{target.metric}": [f"{target.comparison} {target.value}", None]},
    )
    versions.bump(selectors.PLANS_VERSION)  # the homes' kept targets (web/home.py)


@transaction.atomic
def initiative_add(*, by, plan, text: str, owner, due: dt.date) -> Initiative:
    """A planned initiative: what, who (a colleague the planner may see) and by when."""
    _require_editor(by)
    require_scope(by, plan.community)
    text = (text or "").strip()
    if not text:
        raise invalid("text", _("请填写工作举措。"), "required")
    if owner is None or not active_staff(by).filter(user=owner).exists():
        raise invalid("owner", _("找不到该员工,或不能选择该员工。"), "invalid_choice")
    if due is None:
        raise invalid("due", _("请填写完成期限。"), "required")
    if due < plan.start:
        raise invalid("due", _("完成期限不能早于计划开始日期。"))
    item = Initiative.objects.create(plan=plan, text=text[:300], owner=owner, due=due)
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=plan,
        changes={"initiative": [None, item.text]},
    )
    versions.bump(selectors.PLANS_VERSION)  # the homes' kept targets (web/home.py)
    return item


@transaction.atomic
def initiative_done(*, by, initiative) -> Initiative:
    """Its owner, the manager or the assistant marks an initiative done."""
    if initiative.owner_id != by.pk:
        _require_editor(by)
    if staff_of(by) is None:
        raise PermissionDenied
    if initiative.done_at is not None:
        raise invalid("initiative", _("该举措已完成。"), "invalid_state")
    initiative.done_at = timezone.now()
    initiative.save(update_fields=["done_at"])
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=initiative.plan,
        changes={f"initiative:{initiative.pk}": [None, "done"]},
    )
    versions.bump(selectors.PLANS_VERSION)  # the homes' kept targets (web/home.py)
    return initiative


@transaction.atomic
def plan_publish(*, by, plan) -> WorkPlan:
    """The manager publishes the plan: its targets are then tracked on the homes."""
    if not selectors.may_approve(by):
        raise PermissionDenied
    require_scope(by, plan.community)
    plan = _lock(plan)
    _require_draft(plan)
    if not plan.targets.exists():
        raise invalid("targets", _("请至少设定一个目标后再发布。"), "required")
    plan.status, plan.published_at, plan.published_by = PlanStatus.ACTIVE, timezone.now(), by
    plan.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=by, action=AuditAction.UPDATE, obj=plan, changes={"status": ["draft", "active"]}
    )
    versions.bump(selectors.PLANS_VERSION)  # the homes' kept targets (web/home.py)
    return plan
