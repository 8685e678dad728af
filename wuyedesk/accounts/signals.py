"""Signals of accounts, for the apps above it (connected in their AppConfig.ready)."""

from django.dispatch import Signal

# A two-factor change or attempt, sent inside its transaction: the audit app records it
# (audit/apps.py). Arguments: actor, action (an audit action: "otp_enrol", "otp_pass",
# "otp_fail", "otp_codes", "otp_off", "otp_reset"), obj (the user concerned), label, changes.
two_factor_event = Signal()
