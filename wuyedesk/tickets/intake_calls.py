"""The call log row a contact is recorded from, through the API (issue #12 point 6): `call`
in the body is what `?call=` is to the intake page. Telephony answers through
tickets.signals (it sits above tickets); the ticket and the call's link are written in one
transaction, so a refused link leaves no ticket behind."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from wuyedesk.tickets import signals


def _refused(message, code: str) -> ValidationError:
    return ValidationError({"call": ValidationError(message, code=code)})


def call_source(user, ref):
    """The `IntakeSource` of call `ref` for `user`, or None without one; a ValidationError on
    `call` when it names no call the user may see, is linked already or may not be linked."""
    if ref is None:
        return None
    try:
        source = signals.source_of_intake(user, str(ref))
    except Http404:  # out of the user's scope: the same answer as an unknown id
        source = None
    if source is None:
        raise _refused(_("找不到该通话记录,或不在您的权限范围内。"), "invalid_choice")
    if source.linked_to:
        raise _refused(
            _("该通话已关联工单 %(number)s。") % {"number": source.linked_to}, "already_linked"
        )
    if not source.may_link:
        raise _refused(_("您不能为该通话关联工单。"), "permission_denied")
    return source


def recorded_from(user, source, record):
    """Run `record()` (which writes the ticket or its row and returns the ticket), then link
    the source to the ticket, in one transaction. Without a source, `record()` alone."""
    if source is None:
        return record()
    with transaction.atomic():
        result = record()
        ticket = getattr(result, "ticket", result)
        signals.intake_saved.send(
            sender=type(ticket), user=user, source=source.record, ticket=ticket
        )
    return result
