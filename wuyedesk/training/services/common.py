from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from wuyedesk.training import selectors

MAX_HOURS = Decimal("200")


def invalid(field, message, code="invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def require_organiser(user) -> None:
    if not selectors.may_organise(user):
        raise PermissionDenied


def hours_value(value, field="hours") -> Decimal:
    if value is None or value == "":
        raise invalid(field, _("请填写课时。"), "required")
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, TypeError, ValueError):
        raise invalid(field, _("课时须为数字。")) from None
    if number <= 0 or number > MAX_HOURS:
        raise invalid(field, _("课时须大于 0、不超过 200 小时。"))
    return number


def text_value(value, field, *, required=True, max_length=None, message=None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise invalid(field, message or _("请填写此项。"), "required")
    if max_length and len(text) > max_length:
        raise invalid(field, _("不能超过 %(n)d 个字。") % {"n": max_length}, "max_length")
    return text
