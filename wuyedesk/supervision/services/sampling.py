"""Monthly inspection plans (SUP-1): N tickets and M calls of each person, drawn at random
with a stored seed, in the worker, with progress on the plan's page.

Reproducible: each person's tickets (those they own, registered in the month) and calls
(those they took or made, started in the month) are ordered by id and shuffled by a
generator seeded with `seed:month:person:kind`; the first N are the sample. The same seed,
month and data give the same sample, whoever runs it and in which order the people come.
A sampled item that cannot be inspected is replaced by the next one of that order, with the
reason kept on the replacement.
"""

import datetime as dt
import logging
import random
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from wuyedesk.accounts.access import has_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.lib.dates import month_end
from wuyedesk.supervision import access
from wuyedesk.supervision.choices import Kind, PlanStatus, Status
from wuyedesk.supervision.models import Inspection, Plan
from wuyedesk.supervision.services.group import invalid
from wuyedesk.supervision.services.inspections import checklist_for, day_bounds
from wuyedesk.telephony.models import Call
from wuyedesk.tickets.models import Ticket

log = logging.getLogger(__name__)

MAX_PER_PERSON = 50
# The posts whose people a plan samples when none are named.
SAMPLED_POSTS = (Post.SPECIALIST, Post.ASSISTANT)
# How often (people) the job writes its progress.
PROGRESS_EVERY = 10


def default_people(user):
    return access.people_in_scope(user).filter(staff__posts__post__in=SAMPLED_POSTS).distinct()


@transaction.atomic
def plan_create(
    *,
    by,
    month: dt.date,
    tickets_per_person: int,
    calls_per_person: int,
    people=None,
    seed: int | None = None,
) -> Plan:
    """A plan for the month (its first day is stored); people: those named, all in the
    planner's scope, or (none named) the scope's specialists and assistants."""
    if not access.may_plan(by):
        raise PermissionDenied
    if month is None:
        raise invalid("month", _("请选择月份。"), "required")
    for field, n in (
        ("tickets_per_person", tickets_per_person),
        ("calls_per_person", calls_per_person),
    ):
        if n is None or not 0 <= n <= MAX_PER_PERSON:
            raise invalid(field, _("每人抽查数应在 0 到 %(n)s 之间。") % {"n": MAX_PER_PERSON})
    if not tickets_per_person and not calls_per_person:
        raise invalid("tickets_per_person", _("请至少抽查一项工单或通话。"), "required")
    if seed is not None and not 0 <= seed < 2**63:
        raise invalid("seed", _("随机种子应为非负整数。"))
    scope = access.people_in_scope(by)
    if people:
        ids = {p.pk for p in people}
        found = list(scope.filter(pk__in=ids))
        if len(found) != len(ids):
            raise invalid("people", _("被检查人员不在您的范围内。"), "invalid_choice")
    else:
        found = list(default_people(by))
    if not found:
        raise invalid("people", _("范围内没有可抽查的人员。"), "required")
    plan = Plan.objects.create(
        month=month.replace(day=1),
        seed=secrets.randbelow(2**62) if seed is None else seed,
        tickets_per_person=tickets_per_person,
        calls_per_person=calls_per_person,
        created_by=by,
        progress_total=len(found),
    )
    plan.people.set(found)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=plan,
        details={"seed": plan.seed, "people": len(found)},
    )
    return plan


@transaction.atomic
def plan_request_sample(*, by, plan: Plan) -> Plan:
    """Queue the sampling; the page shows its progress until the worker has finished."""
    if not (access.may_plan(by) and (plan.created_by_id == by.pk or has_post(by, Post.MANAGER))):
        raise PermissionDenied
    updated = Plan.objects.filter(
        pk=plan.pk, status__in=[PlanStatus.DRAFT, PlanStatus.FAILED]
    ).update(status=PlanStatus.SAMPLING, progress_done=0, error="")
    if not updated:
        raise ValidationError(_("该计划已经抽样。"), code="invalid_state")
    plan.status, plan.progress_done, plan.error = PlanStatus.SAMPLING, 0, ""
    audit_record(
        actor=by, action=AuditAction.UPDATE, obj=plan, changes={"status": ["draft", "sampling"]}
    )
    pk = plan.pk
    transaction.on_commit(lambda: sample_plan_task(pk))
    return plan


def ordered(ids: list[int], seed: int, month: dt.date, person_id: int, kind: str) -> list[int]:
    """The person's items in the plan's seeded order (ids sorted first, then shuffled)."""
    rows = sorted(ids)
    # Reproducible on purpose (the same seed gives the same sample), not for secrecy.
    random.Random(f"{seed}:{month:%Y-%m}:{person_id}:{kind}").shuffle(rows)  # noqa: S311
    return rows


def _candidates(kind: str, people_ids: list[int], month: dt.date) -> dict[int, list[int]]:
    low, high = day_bounds(month, month_end(month))
    if kind == Kind.TICKET:
        rows = Ticket.objects.filter(
            owner_id__in=people_ids, created_at__gte=low, created_at__lt=high
        ).values_list("owner_id", "id")
    else:
        rows = Call.objects.filter(
            staff_id__in=people_ids, started_at__gte=low, started_at__lt=high
        ).values_list("staff_id", "id")
    found: dict[int, list[int]] = {pk: [] for pk in people_ids}
    for person_id, pk in rows.order_by():
        found[person_id].append(pk)
    return found


def sample(plan: Plan) -> int:
    """Draw the plan's sample (the worker's job body): one inspection per sampled item,
    unassigned until an inspector takes it. Returns the number of inspections."""
    people = list(plan.people.select_related("staff").order_by("pk"))
    ids = [p.pk for p in people]
    wanted = {Kind.TICKET: plan.tickets_per_person, Kind.CALL: plan.calls_per_person}
    candidates = {kind: _candidates(kind, ids, plan.month) for kind, n in wanted.items() if n}
    due = month_end(plan.month)
    made, skipped = [], 0
    for n, person in enumerate(people, start=1):
        checklist = checklist_for(person)
        if checklist is None:
            skipped += 1
        else:
            for kind, rows in candidates.items():
                order = ordered(rows[person.pk], plan.seed, plan.month, person.pk, kind)
                for rank, pk in enumerate(order[: wanted[kind]]):
                    made.append(
                        Inspection(
                            kind=kind,
                            plan=plan,
                            sample_rank=rank,
                            inspected=person,
                            checklist=checklist,
                            due=due,
                            created_by=plan.created_by,
                            **{"ticket_id" if kind == Kind.TICKET else "call_id": pk},
                        )
                    )
        if n % PROGRESS_EVERY == 0:
            Plan.objects.filter(pk=plan.pk).update(progress_done=n)
    with transaction.atomic():
        Inspection.objects.bulk_create(made, batch_size=500)
        versions.bump(access.VERSION)  # a bulk insert sends no signal
        Plan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.SAMPLED,
            progress_done=len(people),
            skipped=skipped,
            sampled_at=timezone.now(),
        )
    return len(made)


def run_sample(plan_id: int) -> int:
    plan = Plan.objects.get(pk=plan_id)
    if plan.status != PlanStatus.SAMPLING:
        return 0
    try:
        return sample(plan)
    except Exception as error:  # any failure is shown on the plan's page
        log.exception("plan %s: sampling failed", plan_id)
        Plan.objects.filter(pk=plan_id).update(status=PlanStatus.FAILED, error=str(error)[:300])
        return 0


@db_task(retries=1, retry_delay=30)
def sample_plan_task(plan_id: int):
    """Sample a plan (200 people over a month of a million tickets: bench/README.md)."""
    return run_sample(plan_id)


@transaction.atomic
def inspection_replace(*, by, inspection: Inspection, reason: str) -> Inspection:
    """Replace a sampled item that cannot be inspected by the next of the person's seeded
    order, with the reason; the replaced one is kept (status replaced)."""
    current = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if current.plan_id is None or not access.may_score(by, current):
        raise PermissionDenied
    if not (reason or "").strip():
        raise invalid("reason", _("请填写替换原因。"), "required")
    plan = current.plan
    kind, person = current.kind, current.inspected
    rows = _candidates(kind, [person.pk], plan.month)[person.pk]
    order = ordered(rows, plan.seed, plan.month, person.pk, kind)
    used = set(
        Inspection.objects.filter(plan=plan, inspected=person, kind=kind).values_list(
            "sample_rank", flat=True
        )
    )
    rank = next((r for r in range(len(order)) if r not in used), None)
    if rank is None:
        raise ValidationError(_("该人员本月没有可替换的样本了。"), code="exhausted")
    current.status = Status.REPLACED
    current.save(update_fields=["status"])
    field = "ticket_id" if kind == Kind.TICKET else "call_id"
    replacement = Inspection.objects.create(
        kind=kind,
        plan=plan,
        sample_rank=rank,
        inspected=person,
        inspector=current.inspector,
        checklist=current.checklist,
        due=current.due,
        created_by=by,
        replaces=current,
        replace_reason=reason.strip()[:200],
        **{field: order[rank]},
    )
    audit_record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=current,
        changes={"status": [Status.OPEN, Status.REPLACED]},
        details={"reason": replacement.replace_reason, "replacement": replacement.pk},
    )
    return replacement
