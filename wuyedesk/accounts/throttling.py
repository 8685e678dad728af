"""Rate limits on the doors that check or reset a password (#11 point 2).

Login attempts per client address, across user names (password spraying):

Every door that checks a password (the staff and portal login pages, `POST /api/v1/auth/token`
and `POST /api/v1/portal/token`) counts in one group per client address, with the company
setting `rate_login`. Only failures count: a door asks first (`login_check`) and counts a
failed attempt afterwards (`login_failed`), so that an office behind one NAT address is never
locked out by its own staff signing in every morning, while a stranger trying one password
on many user names is stopped after `rate_login` failures. django-axes' lockout per user name
and address applies on top.
"""

from wuyedesk.core.company import company
from wuyedesk.lib.throttle import throttle

GROUP = "login"


def login_check(request) -> None:
    """Raise `Throttled` when this address has used up its failed attempts."""
    throttle(request, group=GROUP, rate=company().rate_login, increment=False)


def login_failed(request) -> None:
    """Count one failed attempt of this address."""
    throttle(request, group=GROUP, rate=company().rate_login)


def password_reset_check(request, email: str) -> None:
    """Count one password-reset request, per client address and per e-mail address
    (`rate_password_reset`); raise `Throttled` over either limit. Counted whether or not an
    account has that address, so that the answer tells nothing about which addresses exist;
    the address reaches the cache only as a keyed digest."""
    rate = company().rate_password_reset
    throttle(request, group="password-reset", rate=rate)
    throttle(request, group="password-reset-email", rate=rate, value=email.strip().lower())
