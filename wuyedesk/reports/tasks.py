from huey.contrib.djhuey import db_task


@db_task(retries=1, retry_delay=30)
def render_report_pdf(report_id: int, requested_at: str):
    """Render a quarterly report's PDF (WeasyPrint takes seconds: never in a request)."""
    from wuyedesk.reports.survey_reports import render_pdf

    return render_pdf(report_id, requested_at)
