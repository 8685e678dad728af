import copy

from django.db import transaction

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.core import reference
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.policies.models import PolicySettings

# Fields of PolicySettings that are bookkeeping, not numbers of the regulation.
BOOKKEEPING = frozenset({"id", "created_at", "created_by", "note"})


def regulation_fields() -> list[str]:
    """Every regulation field of PolicySettings, in the model's order: each concrete field
    except the bookkeeping ones. A field added to the model appears on every page, form
    and API answer without a change here."""
    return [f.name for f in PolicySettings._meta.concrete_fields if f.name not in BOOKKEEPING]


EDITABLE = regulation_fields()


def policy() -> PolicySettings:
    """The settings in force: the one function every deadline is computed through.

    Every ticket created or shown needs them: each process keeps them until the reference
    data changes, which a new version of the settings does (core/reference.py). Each caller
    gets its own copy (a form may write into it)."""
    return copy.copy(reference.memo("policy", _in_force))


def _in_force() -> PolicySettings:
    current = PolicySettings.objects.order_by("-id").first()
    if current is None:
        current = PolicySettings.objects.create(note="default")
    return current


def policy_update(*, by, form) -> PolicySettings:
    """A change is a new version; earlier versions stay for the record (POL-3)."""
    require_post(by, Post.MANAGER, Post.ADMIN)
    current = policy()
    if not form.is_valid():
        raise FormInvalid(form)
    with transaction.atomic():
        new = form.save(commit=False)
        new.pk = None
        new.created_by = by
        new.save()
        before = {f: getattr(current, f) for f in EDITABLE}
        after = {f: getattr(new, f) for f in EDITABLE}
        audit_record(
            actor=by, action=AuditAction.UPDATE, obj=new, changes=diff_fields(before, after)
        )
    return new
