"""Shared by the two-factor tests (unit and browser): codes computed from a device's key."""

import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from wuyedesk.accounts.choices import DEFAULT_TWO_FACTOR_POSTS
from wuyedesk.properties.models import Company


def require_two_factor(posts=tuple(DEFAULT_TWO_FACTOR_POSTS)) -> None:
    """Turn two-factor login on for `posts` (the test world has it off)."""
    company = Company.objects.get(pk=1)
    company.two_factor_posts = list(posts)
    company.save()


def next_code(device: TOTPDevice) -> str:
    """The code an authenticator shows now, or the next one if the current step was used
    already (django-otp accepts each time step once, and one step ahead)."""
    device.refresh_from_db()
    current = int(time.time() - device.t0) // device.step
    drift = max(0, device.last_t + 1 - current)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"
