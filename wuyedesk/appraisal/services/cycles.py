"""Quarterly cycles (MGT-6): opened by the worker when a quarter ends (or by a manager's
"open now"), with the weights, bands and dispute window of the version of the regulation in
force at that moment; each person's appraisal computed in the worker, in batches of people
(a few grouped queries per criterion for the whole batch), with progress on the page."""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from wuyedesk.accounts.models import User
from wuyedesk.appraisal import access, scoring, selectors, sources
from wuyedesk.appraisal.choices import APPRAISED_POSTS, CycleStatus, Event
from wuyedesk.appraisal.models import Appraisal, Change, Cycle, Item
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.core import versions
from wuyedesk.policies.services import policy

log = logging.getLogger(__name__)

BATCH = 100  # people per batch of grouped queries (and per progress step)


def invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, following - dt.timedelta(days=1)


def previous_quarter(today: dt.date) -> tuple[int, int]:
    year, quarter = quarter_of(today)
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def today() -> dt.date:
    return timezone.localdate()


def appraised_people():
    return (
        User.objects.filter(
            is_active=True,
            staff__isnull=False,
            staff__archived_at__isnull=True,
            staff__posts__post__in=APPRAISED_POSTS,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def cycle_open(*, by, year: int, quarter: int) -> Cycle:
    """Open the quarter's cycle (by None: the worker) with the settings in force now, and
    queue its computation."""
    if by is not None and not access.may_open_cycle(by):
        raise PermissionDenied
    if quarter not in (1, 2, 3, 4):
        raise invalid("quarter", _("季度应为 1 到 4。"), "invalid_choice")
    if year is None or not 2000 <= year <= 2100:
        raise invalid("year", _("年度不正确。"))
    start, end = quarter_bounds(year, quarter)
    if start > today():
        raise invalid("quarter", _("该季度尚未开始。"))
    if Cycle.objects.filter(year=year, quarter=quarter).exists():
        raise invalid("quarter", _("该季度的考核已经开启。"), "duplicate")
    settings = policy()
    try:
        with transaction.atomic():
            cycle = Cycle.objects.create(
                year=year,
                quarter=quarter,
                start=start,
                end=end,
                settings=settings,
                weights=settings.appraisal_weights(),
                opened_by=by,
                progress_total=appraised_people().count(),
            )
    except IntegrityError:  # opened by another request or the worker at the same moment
        raise invalid("quarter", _("该季度的考核已经开启。"), "duplicate") from None
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        obj=cycle,
        details={"weights": cycle.weights, "settings": settings.pk},
    )
    pk = cycle.pk
    transaction.on_commit(lambda: compute_cycle_task(pk))
    return cycle


@transaction.atomic
def cycle_recompute(*, by, cycle: Cycle) -> Cycle:
    """Compute again a cycle whose computation failed."""
    if not access.may_open_cycle(by):
        raise PermissionDenied
    if not Cycle.objects.filter(pk=cycle.pk, status=CycleStatus.FAILED).update(
        status=CycleStatus.COMPUTING, progress_done=0, error=""
    ):
        raise ValidationError(_("只有计算失败的周期可以重新计算。"), code="invalid_state")
    cycle.status = CycleStatus.COMPUTING
    audit_record(
        actor=by, action=AuditAction.UPDATE, obj=cycle, changes={"status": ["failed", "computing"]}
    )
    pk = cycle.pk
    transaction.on_commit(lambda: compute_cycle_task(pk))
    return cycle


def open_due(day: dt.date | None = None) -> Cycle | None:
    """The worker's job: once a quarter has ended, open its cycle (once)."""
    year, quarter = previous_quarter(day or today())
    if Cycle.objects.filter(year=year, quarter=quarter).exists():
        return None
    try:
        return cycle_open(by=None, year=year, quarter=quarter)
    except ValidationError:
        return None


def compute(cycle: Cycle, people=None) -> int:
    """Every appraised person's appraisal of the cycle (the worker's job body; `people`: a
    queryset of users in their place, for bench/appraisal.py). People whose appraisal exists
    already (a failed run resumed) are skipped. Returns the number made."""
    settings = cycle.settings
    now = timezone.now()
    people = list((appraised_people() if people is None else people).select_related("staff"))
    done = set(Appraisal.objects.filter(cycle=cycle).values_list("person_id", flat=True))
    Cycle.objects.filter(pk=cycle.pk).update(progress_total=len(people), progress_done=len(done))
    todo = [p for p in people if p.pk not in done]
    made = 0
    for first in range(0, len(todo), BATCH):
        batch = todo[first : first + BATCH]
        rows = sources.collect(
            [p.pk for p in batch],
            cycle.start,
            cycle.end,
            now=now,
            complaint_points=settings.appraisal_complaint_points,
            weights=cycle.weights,
        )
        with transaction.atomic():
            appraisals, items = [], []
            for person in batch:
                person_items = [Item(**row) for row in rows[person.pk]]
                result = scoring.score(person_items, cycle.weights, None, settings)
                appraisal = Appraisal(
                    cycle=cycle,
                    person=person,
                    department_id=person.staff.department_id,
                    scores=result["scores"],
                    parts=result["parts"],
                    total=result["total"],
                    band=result["band"],
                )
                appraisals.append(appraisal)
                items.append(person_items)
            Appraisal.objects.bulk_create(appraisals)
            for appraisal, person_items in zip(appraisals, items, strict=True):
                for item in person_items:
                    item.appraisal = appraisal
            Item.objects.bulk_create([i for rows in items for i in rows], batch_size=2000)
            Change.objects.bulk_create(
                [
                    Change(appraisal=a, event=Event.COMPUTED, before=None, after=a.total)
                    for a in appraisals
                ]
            )
            made += len(appraisals)
            Cycle.objects.filter(pk=cycle.pk).update(progress_done=len(done) + made)
    Cycle.objects.filter(pk=cycle.pk).update(
        status=CycleStatus.COMPUTED, computed_at=timezone.now(), progress_done=len(people)
    )
    versions.bump(selectors.VERSION)  # the homes' appraisals to review (bulk writes, no signal)
    return made


def run_compute(cycle_id: int) -> int:
    cycle = Cycle.objects.select_related("settings").get(pk=cycle_id)
    if cycle.status != CycleStatus.COMPUTING:
        return 0
    try:
        return compute(cycle)
    except Exception as error:  # any failure is shown on the cycle's page
        log.exception("appraisal cycle %s: computation failed", cycle_id)
        Cycle.objects.filter(pk=cycle_id).update(status=CycleStatus.FAILED, error=str(error)[:300])
        return 0


@db_task(retries=1, retry_delay=30)
def compute_cycle_task(cycle_id: int):
    """Compute a cycle (200 staff over a quarter of a million tickets: bench/appraisal.py)."""
    return run_compute(cycle_id)
