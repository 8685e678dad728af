"""/api/v1/ endpoints of the improvements app."""

from ninja import Router

router = Router(tags=["improvements"])
