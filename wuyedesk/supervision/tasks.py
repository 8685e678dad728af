"""Supervision's background job, for huey's consumer (defined beside its service)."""

from wuyedesk.supervision.services.sampling import sample_plan_task  # noqa: F401
