"""/api/v1/ endpoints of the mailbox app."""

from ninja import Router

router = Router(tags=["mailbox"])
