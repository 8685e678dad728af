"""Masking and validation of residents' personal data (PIPL): phone, ID number, address."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuyedesk.lib.text import without_controls

# The personal fields of a resident: masked on pages and in exports, "changed" in the audit.
PERSONAL_FIELDS = ("phone", "id_number", "address")

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")


def normalize_phone(value: str) -> str:
    """Digits only, without +86: what we store and search by."""
    digits = re.sub(r"[\s\-()]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_phone(value: str) -> None:
    if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise ValidationError(
            _("请输入有效的手机号(11位,以1开头)或带区号的固定电话。"), code="invalid_phone"
        )


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value):
        raise ValidationError(_("请输入有效的11位手机号。"), code="invalid_mobile")


def validate_id_number(value: str) -> None:
    """Mainland resident ID: 18 characters with the ISO 7064 MOD 11-2 check digit."""
    value = (value or "").upper()
    if not ID_NUMBER_RE.match(value):
        raise ValidationError(_("身份证号应为18位。"), code="invalid_id_number")
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(value[:17], weights, strict=True))
    if "10X98765432"[total % 11] != value[17]:
        raise ValidationError(_("身份证号校验位不正确。"), code="invalid_id_number")


def mask_phone(value: str) -> str:
    if not value:
        return ""
    if len(value) <= 7:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "****" + value[-4:]


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "*" * max(len(value) - 7, 1) + value[-4:]


def mask_address(value: str) -> str:
    if not value:
        return ""
    keep = min(6, max(len(value) // 3, 1))
    return value[:keep] + "****"


MASKERS = {"phone": mask_phone, "id_number": mask_id_number, "address": mask_address}


_DIGIT_RUN = re.compile(r"\d[\d\s\-]{5,}\d")


def looks_like_phone(text: str) -> bool:
    """Search text that may hold a phone or ID number: it must not go into a URL."""
    return bool(_DIGIT_RUN.search(text or ""))


def search_params(request):
    """(params, link_query) for a list page searched by GET or, for personal data, by POST.

    Search forms post, so a phone number typed into them never lands in a URL, the browser's
    history or an access log; the pagination links carry the other filters, and carry the
    search text only when it cannot be personal data.
    """
    params = request.GET
    link = request.GET.copy()
    if request.method == "POST":
        # Posted search text is searched, never stored: its control characters go (a NUL
        # would fail PostgreSQL's comparison). The address's own were refused up front.
        params = request.POST.copy()
        for name in request.POST:
            values = [without_controls(value) for value in request.POST.getlist(name)]
            params.setlist(name, values)
            link.setlist(name, values)
    for name in ("page", "csrfmiddlewaretoken"):
        link.pop(name, None)
    if looks_like_phone(link.get("q", "")):
        link.pop("q")
    return params, link.urlencode()
