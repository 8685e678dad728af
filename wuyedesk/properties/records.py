"""Generic writes for the records of core/resources.py (staff, communities, residents, …):
permission, validation, save and audit in one transaction."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from wuyedesk.accounts.access import require_post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.core.resources import Resource


def _snapshot(instance, fields) -> dict:
    if instance.pk is None:
        return {}
    fresh = type(instance)._default_manager.get(pk=instance.pk)
    return model_to_dict(fresh, fields=list(fields))


def record_save(*, by, resource: Resource, form):
    """Create or update the form's instance. Raises PermissionDenied or FormInvalid."""
    require_post(by, *resource.write_posts)
    creating = form.instance.pk is None
    if not creating and getattr(form.instance, "archived_at", None) is not None:
        raise PermissionDenied("archived")
    before = _snapshot(form.instance, form.fields)
    if not form.is_valid():
        raise FormInvalid(form)
    with transaction.atomic():
        obj = resource.save(by=by, form=form) if resource.save else form.save()
        after = model_to_dict(obj, fields=list(form.fields))
        changes = diff_fields(before, after)
        if creating or changes:
            audit_record(
                actor=by,
                action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                obj=obj,
                changes=changes,
            )
    return obj


def record_archive(*, by, resource: Resource, instance, archive: bool = True):
    """Archive (or restore) a record: it leaves lists and pickers but keeps its history."""
    require_post(by, *resource.write_posts)
    if not resource.archivable:
        raise PermissionDenied("not archivable")
    if (instance.archived_at is not None) == archive:
        return instance
    with transaction.atomic():
        instance.archived_at = timezone.now() if archive else None
        instance.save(update_fields=["archived_at", "updated_at"])
        if archive and resource.on_archive is not None:
            resource.on_archive(by=by, instance=instance)
        audit_record(
            actor=by,
            action=AuditAction.ARCHIVE if archive else AuditAction.RESTORE,
            obj=instance,
        )
    return instance
