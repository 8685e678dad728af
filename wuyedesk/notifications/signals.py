"""Signals of notifications, for the apps above it (connected in their receivers.py)."""

from django.dispatch import Signal

# The e-mail copy of a resident's notice about a ticket, after the commit: the mailbox sends
# it threaded on the ticket's conversation and records it (mailbox/receivers.py). Arguments:
# ticket, subject, text, event_kind (the timeline row's kind, "" for another notice).
# A receiver returns whether the mail was sent.
ticket_email = Signal()
