from django.utils.translation import gettext_lazy as _
from huey import crontab

from wuyedesk.core.jobs import HOUR, periodic_job
from wuyedesk.workplans.services import reports
from wuyedesk.workplans.services.exports import render_work_report_pdf  # noqa: F401 (huey)
from wuyedesk.workplans.services.reports import draft_report_task  # noqa: F401 (huey)


@periodic_job(
    "work-report-drafting", crontab(minute="23", hour="1"), every=24 * HOUR, label=_("起草工作报告")
)
def work_report_drafting_task():
    """Daily at 01:23: the reports of the periods just ended that the version in force says
    are due (each once; see services/reports.py draft_due)."""
    return len(reports.draft_due())
