"""The worklist's fixes (AST-3): merge two residents, end occupancies that should have ended,
dismiss a false positive, and the daily count snapshot. Each: permission (the assistant or
the manager, within the communities they see), validation, the change and its audit row in
one transaction.

Merging moves every row that points at the merged resident to the survivor. The rows are
found from the model's reverse relations (`Resident._meta.get_fields(include_hidden=True)`,
Django's documented Model _meta API; `related_objects` leaves out relations declared with
`related_name="+"`, such as mail sender links and webhook deliveries), so a table another
app adds later moves too. A row that cannot move without breaking a uniqueness rule (a
second notification preference, a survey already answered for the same room) stays with
the merged record, which is archived, never deleted; the audit row counts what moved and
what stayed. Both residents having a portal login is refused: one person has one login.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.core import versions
from wuyedesk.dataquality import selectors
from wuyedesk.dataquality.choices import Problem
from wuyedesk.dataquality.models import Dismissal, Snapshot
from wuyedesk.properties.models import Occupancy, Resident
from wuyedesk.properties.selectors import residents_visible_to
from wuyedesk.properties.services import resident_archived

# Fields the survivor takes from the merged record when its own are empty.
FILLED = ("email", "id_number", "gender", "address")
REASON_MAX = 200


def _invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def require_keeper(user) -> None:
    if not selectors.may_keep(user):
        raise PermissionDenied


def reverse_relations(model):
    """Every relation of another row to `model` (public _meta API, hidden ones included)."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and field.related_model is not model
    ]


def _visible_resident(by, pk, field: str) -> Resident:
    found = residents_visible_to(by).filter(pk=pk).first()
    if found is None:
        raise _invalid(field, _("找不到该住户。"), "not_found")
    if found.archived_at is not None:
        raise _invalid(field, _("该住户档案已归档。"), "archived")
    return found


def _move(model, field: str, duplicate: Resident, survivor: Resident) -> tuple[int, int]:
    """Move the rows of `model` whose `field` is the duplicate; (moved, kept)."""
    rows = model._base_manager.filter(**{field: duplicate})
    try:
        with transaction.atomic():
            return rows.update(**{field: survivor}), 0
    except IntegrityError:  # some clash: move row by row, keep what cannot move
        moved = kept = 0
        for pk in list(rows.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**{field: survivor})
                moved += 1
            except IntegrityError:
                kept += 1
        return moved, kept


def _end_clashing_occupancies(duplicate: Resident, survivor: Resident, today: dt.date) -> int:
    """The duplicate's current occupancy of a room the survivor also lives in now would be a
    second current occupancy of the same person there: it ends today (kept, moved)."""
    rooms = Occupancy.objects.filter(resident=survivor, move_out__isnull=True).values("room_id")
    ended = 0
    for occupancy in Occupancy.objects.filter(
        resident=duplicate, move_out__isnull=True, room_id__in=rooms
    ):
        occupancy.move_out = max(today, occupancy.move_in or today)
        occupancy.save(update_fields=["move_out", "updated_at"])
        ended += 1
    return ended


def residents_merge(*, by, survivor_id, duplicate_id) -> Resident:
    """Merge the resident `duplicate_id` into `survivor_id`; returns the survivor."""
    require_keeper(by)
    if str(survivor_id) == str(duplicate_id):
        raise _invalid("duplicate", _("不能把住户与自己合并。"), "same")
    with transaction.atomic():
        survivor = _visible_resident(by, survivor_id, "survivor")
        duplicate = _visible_resident(by, duplicate_id, "duplicate")
        # Lock both rows so that two people merging at once see each other's result.
        locked = Resident.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])
        if locked.filter(archived_at__isnull=True).count() != 2:
            raise _invalid("duplicate", _("该住户档案已归档。"), "archived")
        accounts = get_user_model().objects.filter(resident__in=[survivor, duplicate])
        if accounts.count() > 1:
            raise _invalid(
                "duplicate",
                _("两位住户都有业主平台账号,请先停用其中一个账号再合并。"),
                "two_accounts",
            )
        now = timezone.now()
        ended = _end_clashing_occupancies(duplicate, survivor, timezone.localdate(now))
        moved, kept = {}, {}
        for relation in reverse_relations(Resident):
            label = relation.related_model._meta.label_lower
            if relation.many_to_many:  # none today; one added later must be handled here
                raise NotImplementedError(label)
            n_moved, n_kept = _move(
                relation.related_model, relation.field.name, duplicate, survivor
            )
            if n_moved:
                moved[label] = moved.get(label, 0) + n_moved
            if n_kept:
                kept[label] = kept.get(label, 0) + n_kept
        before = model_to_dict(survivor, fields=FILLED)
        for name in FILLED:
            if not getattr(survivor, name) and getattr(duplicate, name):
                setattr(survivor, name, getattr(duplicate, name))
        survivor.save()
        duplicate.archived_at = now
        duplicate.save(update_fields=["archived_at", "updated_at"])
        details = {"moved": moved, "kept": kept, "occupancies_ended": ended}
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=survivor,
            changes=diff_fields(before, model_to_dict(survivor, fields=FILLED)),
            details={"merged_from": duplicate.pk, **details},
        )
        audit_record(
            actor=by,
            action=AuditAction.ARCHIVE,
            obj=duplicate,
            details={"merged_into": survivor.pk, **details},
        )
        resident_archived(by=by, instance=duplicate)
    versions.bump(selectors.DATA_QUALITY)  # the home's kept counts
    return survivor


def occupancies_end(*, by, ids) -> int:
    """End occupancies of the worklist's "should have ended" list (today); how many ended."""
    require_keeper(by)
    try:
        wanted = {int(pk) for pk in ids}
    except (TypeError, ValueError):
        raise _invalid("ids", _("请选择要结束的入住关系。"), "required") from None
    if not wanted:
        raise _invalid("ids", _("请选择要结束的入住关系。"), "required")
    today = timezone.localdate()
    with transaction.atomic():
        rows = list(selectors.stale_occupancies(by).filter(pk__in=wanted).select_for_update())
        if len(rows) != len(wanted):
            raise _invalid("ids", _("所选入住关系不在待处理列表中。"), "not_found")
        for occupancy in rows:
            occupancy.move_out = max(today, occupancy.move_in or today)
            occupancy.save(update_fields=["move_out", "updated_at"])
            audit_record(
                actor=by,
                action=AuditAction.UPDATE,
                obj=occupancy,
                changes={"move_out": [None, occupancy.move_out.isoformat()]},
                details={"worklist": Problem.STALE_OCCUPANCY.value},
            )
    versions.bump(selectors.DATA_QUALITY)  # the home's kept counts
    return len(rows)


def _listed(by, kind: str, object_id: int, other_id: int) -> bool:
    if kind == Problem.DUPLICATES:
        return any((a, b) == (object_id, other_id) for a, b, _r in selectors.duplicate_ids(by))
    return selectors.QUERIES[Problem(kind)](by).filter(pk=object_id).exists()


def problem_dismiss(*, by, kind: str, object_id, other_id=0, reason: str = "") -> Dismissal:
    """Keep a false positive off the list ("not a duplicate"), with who and why."""
    require_keeper(by)
    if kind not in Problem.values:
        raise _invalid("kind", _("未知的问题类型。"), "invalid_choice")
    try:
        object_id, other_id = int(object_id), int(other_id or 0)
    except (TypeError, ValueError):
        raise _invalid("object_id", _("编号无效。")) from None
    if kind == Problem.DUPLICATES:
        object_id, other_id = sorted((object_id, other_id))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise _invalid("reason", _("原因不能超过 %(n)s 个字。") % {"n": REASON_MAX}, "max_length")
    if not _listed(by, kind, object_id, other_id):
        raise _invalid("object_id", _("该条目不在待处理列表中。"), "not_found")
    with transaction.atomic():
        dismissal = Dismissal.objects.create(
            kind=kind, object_id=object_id, other_id=other_id, reason=reason, by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=dismissal,
            label=f"{Problem(kind).label} #{object_id}" + (f"/{other_id}" if other_id else ""),
            details={"kind": kind, "object_id": object_id, "other_id": other_id},
        )
    versions.bump(selectors.DATA_QUALITY)  # the home's kept counts
    return dismissal


def snapshot_take(*, day: dt.date | None = None) -> int:
    """Today's count per kind and community (the trend); run again, it replaces the day's."""
    day = day or timezone.localdate()
    rows = [
        Snapshot(day=day, kind=kind, community_id=community_id, count=count)
        for kind in Problem.values
        for community_id, count in selectors.counts_by_community(kind).items()
        if count
    ]
    with transaction.atomic():
        Snapshot.objects.filter(day=day).delete()
        Snapshot.objects.bulk_create(rows)
    versions.bump(selectors.DATA_QUALITY)  # the home's kept trend
    return len(rows)
