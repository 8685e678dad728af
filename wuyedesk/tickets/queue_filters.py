"""The filter fields of a queue page as it opens, kept for a minute per person and language.

Building them meant three queries and a form with every community the person may see (200
for a company-wide manager): a third of a queue page's time (bench/README.md). Nothing is
filtered by these fields until a person submits them, and a submitted form is built afresh
and validated against the current choices; so a list up to a minute old could at most
offer a community that has just left the person's scope, never show its tickets. Any
change to the reference data (core/reference.py) drops every kept copy at once.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from wuyedesk.core import reference

KEEP_SECONDS = 60


def unfiltered(user, queue: str, render) -> str:
    """What `render()` gives for this person, language and kind of queue, kept a minute."""
    key = (
        f"wuyedesk:queue-filters:{reference.version()}:{user.pk}:{get_language()}:"
        f"{queue == 'department'}"
    )
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, KEEP_SECONDS)
    return html
