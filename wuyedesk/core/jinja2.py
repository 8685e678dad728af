"""The environment of the project's Jinja2 engine (settings.TEMPLATES, NAME "jinja2").

Django's template language writes every page; Jinja2 writes only the hottest fragments,
where it renders in a fraction of the time: the queue page's rows
(wuyedesk/jinja2/tickets/queue_rows.html, read by tickets/views/tickets.py) and the form
widgets (Django's own Jinja2 widget templates through core.forms.FormRenderer, with the
project's overrides in wuyedesk/jinja2/django/forms/widgets/). A fragment sees
only what is given here and in its context: `url` (Django's reverse) and the i18n
extension's `_`/`gettext`/`ngettext` bound to Django's translation, so a fragment's strings
are the project's msgids, found by makemessages (`{{ _("…") }}`) like any template's.
Autoescaping is always on, and every value is escaped the way Django escapes
(`finalize`, before Jinja2's own escape sees it), so a fragment writes the same bytes as the
Django template it replaced: `&quot;` and `&#x27;` where markupsafe alone writes `&#34;` and
`&#39;`. A value already safe (`__html__`, such as `_()`'s) is kept as it is.
"""

import html

from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from jinja2 import Environment


def django_escape(value):
    """Django's `conditional_escape` (its `escape` is `html.escape` of the text), with the
    commonest values of a fragment, plain strings and numbers, taken at once."""
    kind = type(value)
    if kind is str:
        return SafeString(html.escape(value))
    if kind is int:  # digits: nothing to escape
        return value
    return conditional_escape(value)


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # always on
    env = Environment(autoescape=True, finalize=django_escape, **options)
    env.globals["url"] = reverse
    env.install_gettext_translations(translation, newstyle=True)
    return env
