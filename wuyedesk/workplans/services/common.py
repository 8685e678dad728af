from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import community_ids, in_scope


def invalid(field, message, code="invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def require_scope(user, community) -> None:
    """A community the user may see; the whole company (None) only for a person who sees
    every community, since a scoped person's figures would be of their communities only."""
    if community is None:
        if community_ids(user) is not None:
            raise invalid("community", _("您只能为所辖小区制定计划或编写报告,请选择小区。"))
        return
    if not in_scope(user, community.pk):
        raise PermissionDenied
