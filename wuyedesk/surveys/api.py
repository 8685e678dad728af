"""/api/v1/ endpoints of the surveys app."""

from ninja import Router

router = Router(tags=["surveys"])
