"""Telephony's part in the intake page (tickets.signals), connected at start-up
(core/appconfig.py): `/tickets/new/?call=<pk>` opens the page from a call (the caller's number
is read from the call record within the user's scope, never from the URL), and the ticket
saved there is linked back to the call."""

from django.dispatch import receiver

from wuyedesk.telephony import intake
from wuyedesk.telephony.models import Call
from wuyedesk.tickets import signals


@receiver(signals.intake_source, dispatch_uid="telephony.intake_source")
def call_as_intake_source(sender, *, user, ref, **kwargs):
    call = intake.call_for_intake(user, ref)
    if call is None:
        return None
    initial = {}
    phone = intake.prefill(call, initial)
    return signals.IntakeSource(
        record=call,
        phone=phone,
        initial=initial,
        linked_to=call.ticket.number if call.ticket_id else "",
        may_link=intake.may_attach(user, call),
    )


@receiver(signals.intake_saved, dispatch_uid="telephony.intake_saved")
def link_call(sender, *, user, source, ticket, **kwargs):
    if isinstance(source, Call):
        intake.attach(user, source, ticket)
