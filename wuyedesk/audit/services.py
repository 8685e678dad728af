import datetime as dt

from django.db import models
from django.utils import timezone

from wuyedesk.audit.context import client_ip
from wuyedesk.audit.models import ACCESS_ACTIONS, AuditAction, AuditEntry
from wuyedesk.core.company import company
from wuyedesk.lib.privacy import PERSONAL_FIELDS

CHANGED = "已修改"


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(_plain(v) for v in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def diff_fields(before: dict, after: dict) -> dict:
    """{field: [old, new]} for changed fields; personal fields say only that they changed."""
    changes = {}
    for field, new in after.items():
        old = before.get(field)
        if _plain(old) == _plain(new):
            continue
        if field in PERSONAL_FIELDS or field.endswith("phone"):  # e.g. a contact's phone too
            changes[field] = CHANGED
        else:
            changes[field] = [_plain(old), _plain(new)]
    return changes


def audit_record(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    label: str = "",
    community_id: int | None = None,
    changes: dict | None = None,
    details: dict | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        label = label or str(obj)
        if community_id is None:
            community_id = getattr(obj, "community_id", None)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=obj.pk if obj is not None else None,
        object_label=label[:200],
        community_id=community_id,
        changes=changes or {},
        details=details or {},
        ip=client_ip.get(),
    )


def record_opened(*, by, obj: models.Model) -> AuditEntry:
    """Access log (PIPL): `by` opened this record (a resident's page or the API detail)."""
    return audit_record(actor=by, action=AuditAction.VIEW, obj=obj)


def record_phone_search(*, by) -> AuditEntry:
    """Access log (PIPL): `by` searched by a phone number. The number is never kept: the row
    says only that a phone search was made, by whom, when and from where."""
    return audit_record(actor=by, action=AuditAction.SEARCH, object_type="search")


def access_log_purge(*, now: dt.datetime | None = None) -> int:
    """Delete access-log rows older than the company's retention; returns how many went.

    Safe to run any number of times, by any number of workers: it deletes by age only.
    Change history (create, update, archive, import) is not part of the access log and stays.
    """
    days = company().access_log_retention_days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    old = AuditEntry.objects.filter(action__in=ACCESS_ACTIONS, at__lt=cutoff)
    deleted, _by_model = old.delete()
    return deleted
