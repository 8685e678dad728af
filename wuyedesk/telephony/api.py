"""/api/v1/ endpoints of the telephony app."""

from ninja import Router

router = Router(tags=["telephony"])
