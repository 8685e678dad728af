from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import posts_of, require_post
from wuyedesk.accounts.choices import DEFAULT_REVEAL_POSTS, Post
from wuyedesk.accounts.models import User
from wuyedesk.accounts.services import user_sign_out_everywhere
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record, diff_fields
from wuyedesk.core.form_errors import FormInvalid
from wuyedesk.lib.privacy import PERSONAL_FIELDS
from wuyedesk.properties.models import Company, Resident


def company_get() -> Company:
    company, _created = Company.objects.get_or_create(
        pk=1, defaults={"reveal_posts": DEFAULT_REVEAL_POSTS}
    )
    return company


def may_reveal(user) -> bool:
    return bool(posts_of(user) & set(company_get().reveal_posts))


def may_export(user) -> bool:
    """May this user download a list (XLSX/CSV) of records? One rule for every export, page
    and API alike: a staff post named in the company setting `export_posts` (MGT-3)."""
    return bool(posts_of(user) & set(company_get().export_posts))


def require_export(user) -> None:
    if not may_export(user):
        raise PermissionDenied


@transaction.atomic
def resident_reveal(*, by, resident: Resident, field: str) -> str:
    """Return one personal field in clear, and log that `by` saw it (MGT-3, PIPL)."""
    if field not in PERSONAL_FIELDS:
        raise ValidationError(_("不支持的字段。"), code="invalid_field", params={"field": field})
    if not may_reveal(by):
        raise PermissionDenied
    audit_record(actor=by, action=AuditAction.REVEAL, obj=resident, changes={"field": field})
    return getattr(resident, field)


def resident_archived(*, by, instance: Resident) -> None:
    """The archive hook of the residents resource: the portal account of an archived resident
    loses its tokens and sessions (#11 point 7)."""
    for account in User.objects.filter(resident=instance):
        user_sign_out_everywhere(user=account)


def company_update(*, by, form) -> Company:
    require_post(by, Post.ADMIN)
    before = model_to_dict(company_get(), fields=list(form.fields))
    if not form.is_valid():
        raise FormInvalid(form)
    with transaction.atomic():
        company = form.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=company,
            changes=diff_fields(before, model_to_dict(company, fields=list(form.fields))),
        )
    return company
