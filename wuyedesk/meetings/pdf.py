"""The approved minutes as a PDF (AST-2), as the quarterly survey report does it
(reports/survey_reports.py): WeasyPrint in a huey task, stored with the meeting; a new
request supersedes one that has not finished (the task checks the request time)."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record
from wuyedesk.meetings import selectors
from wuyedesk.meetings.choices import MinutesStatus
from wuyedesk.meetings.models import Meeting

log = logging.getLogger(__name__)


@transaction.atomic
def minutes_request_pdf(*, by, meeting: Meeting) -> Meeting:
    """Queue the PDF of approved minutes (whoever may read them); the page shows
    "rendering…" until the task has stored it."""
    if not selectors.may_read_minutes(by, meeting):
        raise PermissionDenied
    if meeting.minutes_status != MinutesStatus.APPROVED:
        raise ValidationError(_("纪要批准后才能生成 PDF。"), code="invalid_state")
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        pdf_requested_at=now, pdf_rendered_at=None, pdf_error=""
    )
    meeting.pdf_requested_at, meeting.pdf_rendered_at, meeting.pdf_error = now, None, ""
    audit_record(
        actor=by,
        action=AuditAction.EXPORT,
        obj=meeting,
        community_id=meeting.community_id,
        details={"minutes_pdf": "requested"},
    )
    pk, stamp = meeting.pk, now.isoformat()
    transaction.on_commit(lambda: render_minutes_pdf(pk, stamp))
    return meeting


def pdf_html(meeting: Meeting) -> str:
    return render_to_string(
        "meetings/minutes_pdf.html",
        {
            "meeting": meeting,
            "attendees": selectors.attendees_of(meeting),
            "agenda": selectors.agenda_of(meeting),
            "decisions": selectors.decisions_of(meeting),
            "actions": selectors.actions_of(meeting),
            "generated_at": timezone.now(),
        },
    )


def render_pdf(meeting_id: int, requested_at: str) -> bool:
    """Render and store the PDF for the request made at `requested_at` (the task's body)."""
    import weasyprint

    meeting = Meeting.objects.select_related("department", "community", "approved_by__staff").get(
        pk=meeting_id
    )
    if meeting.pdf_requested_at is None or meeting.pdf_requested_at.isoformat() != requested_at:
        return False  # a newer request supersedes this one
    try:
        with translation.override("zh-hans"):
            data = weasyprint.HTML(string=pdf_html(meeting)).write_pdf()
    except Exception as error:  # any rendering failure is shown on the page
        log.exception("minutes %s: PDF rendering failed", meeting_id)
        Meeting.objects.filter(pk=meeting_id).update(pdf_error=str(error)[:300])
        return False
    name = f"minutes-{meeting.pk}.pdf"
    stored = meeting.pdf.storage.save(
        meeting.pdf.field.generate_filename(meeting, name), ContentFile(data)
    )
    updated = Meeting.objects.filter(
        pk=meeting_id, pdf_requested_at=meeting.pdf_requested_at
    ).update(pdf=stored, pdf_rendered_at=timezone.now())
    if not updated:
        meeting.pdf.storage.delete(stored)
    return bool(updated)


@db_task(retries=1, retry_delay=30)
def render_minutes_pdf(meeting_id: int, requested_at: str):
    """Render approved minutes as a PDF (WeasyPrint takes seconds: never in a request)."""
    return render_pdf(meeting_id, requested_at)
