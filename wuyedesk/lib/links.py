"""URLs by name, each worked out once per process.

Django's `reverse` walks the URL patterns' reverse table on every call: 9 µs a URL on this
machine, and a home links each of its figures to the list behind it (the assistant's home
reversed 19 URLs a view, the manager's 16; bench/README.md, session 18). A name with the
same arguments gives the same URL for as long as a process runs, under the same script
prefix (the path the application is mounted at, set for each request) and URL
configuration, so `url` keeps what `reverse` answered under those too: 3 µs a URL. Django has
no such cache; `functools.lru_cache` bounds it (URLs with ids fill it, and the least used go).
"""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse


@functools.lru_cache(maxsize=4096)
def _reversed(viewname: str, args: tuple, kwargs: tuple, prefix: str, urlconf) -> str:
    # `prefix` is the one reverse() reads itself (get_script_prefix): part of the key only.
    return reverse(viewname, urlconf=urlconf, args=args or None, kwargs=dict(kwargs) or None)


def url(viewname: str, args=(), kwargs=None) -> str:
    """`django.urls.reverse(viewname, args=args, kwargs=kwargs)`, kept (see above)."""
    return _reversed(
        viewname,
        tuple(args or ()),
        tuple(sorted(kwargs.items())) if kwargs else (),
        get_script_prefix(),
        get_urlconf(),
    )
