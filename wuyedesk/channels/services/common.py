"""What the portal's services share: field errors, lengths, and who counts as a resident."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

MAX_PHOTOS = 9
TITLE_MAX = 120
TEXT_MAX = 2000
COMMENT_MAX = 500
REASON_MAX = 200


def invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def too_long(field: str, value: str, limit: int) -> None:
    if len(value or "") > limit:
        raise invalid(field, _("内容太长:最多 %(n)s 个字。") % {"n": limit}, "max_length")


def require_resident(by) -> None:
    if not getattr(by, "is_resident", False) or by.resident_id is None:
        raise PermissionDenied
