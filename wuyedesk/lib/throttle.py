"""Rate limits on the shared cache, counted by django-ratelimit (#11 point 2).

`throttle(request, group=…, rate=…)` counts one attempt and raises `Throttled` once the
attempts of the current window exceed the rate ("20/10m": 20 per 10 minutes). By default
the attempts are counted per client address (django-ratelimit's "ip" key, which groups an
IPv6 client by its /64); `value=` counts them per something else instead, a mobile number or
an e-mail address, which reaches the cache only as a keyed digest (PIPL: no number in clear
in the cache). `increment=False` only asks whether the limit is already reached, so that a
caller can count failures alone (a login that succeeds costs nothing).

The API answers `Throttled` with 429, `Retry-After` and a JSON error (api/errors.py); pages
answer with a page that says when to try again (core/middleware.py), or catch it to keep a
form filled.
"""

from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from wuyedesk.lib.network import client_address


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = max(1, int(retry_after))

    @property
    def message(self) -> str:
        return retry_message(self.retry_after)

    def refuse(self, response):
        """Make `response` (a page that kept its form, a JSON error) the refusal: 429 with
        Retry-After in seconds."""
        response.status_code = 429
        response["Retry-After"] = str(self.retry_after)
        return response


def retry_message(seconds: int) -> str:
    """'Too many attempts; try again in N minutes', in the active language."""
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "尝试次数过多,请在%(minutes)d分钟后再试。",
        "尝试次数过多,请在%(minutes)d分钟后再试。",
        minutes,
    ) % {"minutes": minutes}


def throttle(request, *, group: str, rate: str, value: str | None = None, increment=True) -> None:
    """Count one attempt of `group` (unless `increment` is False); raise `Throttled` when
    the attempts in this window are over `rate`."""
    if value is None and not client_address(request):
        # No client address at all (a WSGI caller that sets no REMOTE_ADDR): django-ratelimit
        # cannot key on it, so such requests share one counter rather than answering 500.
        value = "no-client-address"
    if value is None:
        key = "ip"
    else:
        digest = salted_hmac("wuyedesk.throttle", f"{group}:{value}").hexdigest()

        def key(_group, _request):
            return digest

    usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
    if usage is None:
        return
    # Asking without counting: the limit is reached when the next attempt would exceed it.
    count = usage["count"] if increment else usage["count"] + 1
    if count > usage["limit"]:
        raise Throttled(usage["time_left"])
