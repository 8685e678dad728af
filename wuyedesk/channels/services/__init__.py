"""The resident's side of the service desk (INQ-1, CMP-1, SPE-2, SUP-2) and the staff's side
of the portal, one module per part: `signup` (the code, linking, the assistants' queue),
`portal` (submission with photos, replies), `ratings` (confirming and rating the result),
`announcements`; `common` holds the lengths and field errors they share. Ticket changes go
through tickets.services. `from wuyedesk.channels import services` keeps working: the names
callers use are here."""

from wuyedesk.channels.services.announcements import (
    announcement_create,
    announcement_recipients,
    announcement_send,
    announcement_send_task,
    announcement_update,
    announcement_withdraw,
    announcements_send_due,
    require_announcer,
)
from wuyedesk.channels.services.common import (
    COMMENT_MAX,
    MAX_PHOTOS,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from wuyedesk.channels.services.portal import (
    closed_reply_refused,
    portal_place,
    portal_reply,
    portal_submit,
)
from wuyedesk.channels.services.ratings import (
    may_confirm,
    portal_confirm,
    portal_rate,
)
from wuyedesk.channels.services.signup import (
    HAS_ACCOUNT,
    LINKED,
    PENDING,
    STATUS_LOOKUP_ROWS,
    VERIFY,
    SignupResult,
    code_minutes,
    signup_approve,
    signup_attempt_notice,
    signup_attempt_notice_task,
    signup_pending_code,
    signup_purge_unverified,
    signup_refuse,
    signup_resend,
    signup_status,
    signup_submit,
    signup_verify,
)

__all__ = [
    "COMMENT_MAX",
    "HAS_ACCOUNT",
    "LINKED",
    "MAX_PHOTOS",
    "PENDING",
    "REASON_MAX",
    "STATUS_LOOKUP_ROWS",
    "TEXT_MAX",
    "TITLE_MAX",
    "VERIFY",
    "SignupResult",
    "announcement_create",
    "announcement_recipients",
    "announcement_send",
    "announcement_send_task",
    "announcement_update",
    "announcement_withdraw",
    "announcements_send_due",
    "closed_reply_refused",
    "code_minutes",
    "may_confirm",
    "portal_confirm",
    "portal_place",
    "portal_rate",
    "portal_reply",
    "portal_submit",
    "require_announcer",
    "signup_approve",
    "signup_attempt_notice",
    "signup_attempt_notice_task",
    "signup_pending_code",
    "signup_purge_unverified",
    "signup_refuse",
    "signup_resend",
    "signup_status",
    "signup_submit",
    "signup_verify",
]
