"""The client's address, also behind reverse proxies (#11 point 2).

gunicorn behind nginx sees every request come from the proxy: `REMOTE_ADDR` is the proxy's
address, so rate limits per client address would count every client as one (and one
stranger's attempts would lock out the whole office). With `PROXY_COUNT` = N (the number of
proxies in front of WuyeDesk, each appending the address it received from to
`X-Forwarded-For`), the client is the N-th address from the right of that header: the one
the outermost proxy saw. Addresses to its left were written by the client and are never
trusted. With `PROXY_COUNT` = 0 (the default, WuyeDesk reached directly) the header is
ignored, so that nobody can choose their own address.

Rate limits (django-ratelimit's `RATELIMIT_IP_META_KEY`), django-axes
(`AXES_CLIENT_IP_CALLABLE`) and the audit rows all read the address from here.
"""

import ipaddress
import logging

from django.conf import settings

log = logging.getLogger(__name__)
_warned = False


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        if forwarded:
            _warn_once()
        return remote
    hops = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not hops:
        return remote
    candidate = hops[-proxies] if len(hops) >= proxies else hops[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _warn_once() -> None:
    global _warned  # one warning per process, not one per request
    if not _warned:
        _warned = True
        log.warning(
            "Requests carry X-Forwarded-For but PROXY_COUNT is 0: every client behind the "
            "proxy counts as one address for rate limits. Set PROXY_COUNT (docs/security.md)."
        )
