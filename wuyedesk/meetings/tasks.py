"""The meetings' background jobs, for huey's consumer (each is defined beside its service)."""

from wuyedesk.meetings.pdf import render_minutes_pdf  # noqa: F401
