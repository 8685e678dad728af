"""What every survey service shares: the refusal that is not a form error, and the
field-error helpers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import has_post
from wuyedesk.lib import text as text_rule
from wuyedesk.surveys.selectors import SURVEY_ADMIN_POSTS


def require_survey_admin(by) -> None:
    """Who edits questionnaires and runs campaigns: every such service asks this, and the
    pages ask it before showing a form for one."""
    if not has_post(by, *SURVEY_ADMIN_POSTS):
        raise PermissionDenied


class SurveyRefused(Exception):
    """An answer that must not be stored (used or expired link, already answered…)."""

    def __init__(self, code: str, message: str, status: int = 409):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def invalid(field: str, message: str, code: str = "invalid"):
    return ValidationError({field: ValidationError(message, code=code)})


def checked_text(field: str, value: str, limit: int) -> str:
    """Free text as a person types it (lib/text.py) and within its limit, or a 422 naming it."""
    cleaned = text_rule.clean_text((value or "").strip())
    if cleaned is None:
        raise invalid(field, text_rule.MESSAGE, text_rule.CODE)
    if len(cleaned) > limit:
        raise invalid(field, _("最多 %(n)s 个字。") % {"n": limit}, "too_long")
    return cleaned
