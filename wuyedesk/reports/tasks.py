"""The reports' background jobs, for huey's consumer (each is defined beside its service)."""

from wuyedesk.reports.survey_reports import render_report_pdf  # noqa: F401
