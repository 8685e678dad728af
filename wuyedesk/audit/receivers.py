"""What the audit log records of the apps below it, through their signals (core/appconfig.py
imports this module at start-up)."""

from django.dispatch import receiver

from wuyedesk.accounts.signals import two_factor_event
from wuyedesk.audit.models import AuditAction
from wuyedesk.audit.services import audit_record


@receiver(two_factor_event, dispatch_uid="audit-two-factor")
def record_two_factor_event(sender, *, actor, action, obj, label, changes=None, **kwargs) -> None:
    """Enrolment, new recovery codes, passes, failures, switching off, resets."""
    audit_record(actor=actor, action=AuditAction(action), obj=obj, label=label, changes=changes)
