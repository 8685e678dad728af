"""Policies' writes and the settings in force. Other apps import `policy`, `policy_at` and
`regulation_fields` from here; the workflow is in `versions`, read-and-acknowledge in
`acknowledgements`, the periodic evaluation in `evaluations`."""

from wuyedesk.policies.services.settings import (
    BOOKKEEPING,
    EDITABLE,
    policy,
    policy_at,
    regulation,
    regulation_fields,
)

__all__ = ["BOOKKEEPING", "EDITABLE", "policy", "policy_at", "regulation", "regulation_fields"]
