"""The company's own calendar days (issue #14 point 5): a typhoon day or a local holiday off,
an extra working day. The administrator adds and removes them; every clock that starts
afterwards counts them (policies/calendar.py). Deadlines already computed stay as they are.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuyedesk.accounts.access import require_post
from wuyedesk.accounts.choices import Post
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.policies.models import CalendarDay

CALENDAR_EDITORS = (Post.ADMIN,)
CALENDAR_READERS = (Post.ADMIN, Post.MANAGER, Post.EXECUTIVE)


def calendar_days():
    """Every company day, soonest first."""
    return CalendarDay.objects.select_related("created_by__staff").order_by("date")


def calendar_day_add(*, by, date, working: bool, name: str, name_en: str = "") -> CalendarDay:
    require_post(by, *CALENDAR_EDITORS)
    day = CalendarDay(
        date=date, working=working, name=(name or "").strip(), name_en=(name_en or "").strip()
    )
    day.created_by = by
    if date is not None and CalendarDay.objects.filter(date=date).exists():
        raise ValidationError({"date": ValidationError(_("这一天已有调整。"), code="unique")})
    day.full_clean()
    with transaction.atomic():
        day.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            obj=day,
            changes={"working": [None, working], "name": [None, day.name]},
        )
    return day


def calendar_day_remove(*, by, day: CalendarDay) -> None:
    require_post(by, *CALENDAR_EDITORS)
    with transaction.atomic():
        audit_record(actor=by, action=AuditAction.ARCHIVE, obj=day, details={"removed": True})
        day.delete()
