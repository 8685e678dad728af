"""The environment of the project's Jinja2 engine (settings.TEMPLATES, NAME "jinja2").

Django's template language writes every page; Jinja2 writes only the hottest fragments,
where it renders in a fraction of the time: the queue page's rows
(wuyedesk/jinja2/tickets/queue_rows.html, read by tickets/views/tickets.py), the ticket
page's content (jinja2/tickets/detail.html, placed in the Django base page), each post's
home (jinja2/web/home_<post>.html, placed by web/home.py), the staff pages' frame
(jinja2/core/bar.html and notices.html, drawn by the tags of core/templatetags/wuyedesk.py)
and the form widgets (Django's own Jinja2 widget templates through core.forms.FormRenderer,
with the project's overrides in wuyedesk/jinja2/django/forms/widgets/). A fragment sees only
what is given here and in its context: `url` (Django's reverse, kept per process:
lib/links.py), `static`, the filters of environment() below, and the i18n extension's
`_`/`gettext`/`ngettext` bound to Django's translation, so a fragment's strings
are the project's msgids, found by makemessages (`{{ _("…") }}`) like any template's.
Autoescaping is always on, by markupsafe's escape (C), and each rendered fragment then
spells the two quote entities as Django does (`Template.render` below), so a fragment
writes the same bytes as the Django template it replaced: `&quot;` and `&#x27;` where
markupsafe writes `&#34;` and `&#39;` (the same characters to a browser). Escaping each
value as Django does instead (a `finalize` calling Django's escape) took 0.51 ms of the
queue rows' 50-row render where this takes 0.30 ms (issue #13, median of 500 renders). A
value already safe (`__html__`, such as `_()`'s) is kept as it is.
"""

from functools import partial
from importlib import import_module

import jinja2
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import get_token
from django.template import defaultfilters
from django.templatetags.static import static
from django.utils import translation
from markupsafe import Markup

from wuyedesk.core.templatetags.wuyedesk import csrf_field, widget
from wuyedesk.lib.links import url

# Django's own filters a fragment uses, as the Django template language writes them
# (Django's filesizeformat replaces Jinja2's, which writes "1.2 kB" where pages say "1.2 KB").
DJANGO_FILTERS = {
    "date": defaultfilters.date,
    "filesizeformat": defaultfilters.filesizeformat,
    "linebreaksbr": partial(defaultfilters.linebreaksbr, autoescape=True),
    "truncatechars": defaultfilters.truncatechars,
}


class Template(jinja2.Template):
    """A fragment whose quote entities are Django's (`&quot;`, `&#x27;`). Only markupsafe's
    escape writes `&#34;` or `&#39;` into a fragment: typed text containing them is
    escaped to `&amp;#34;`, which they do not match."""

    def render(self, *args, **kwargs) -> str:
        html = super().render(*args, **kwargs)
        return html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")


def form_tokens(request) -> dict:
    """The CSRF token and field of a page's forms (a fragment's `csrf_field`), masked once
    for all of them and for the Django page that places the fragment (pass both to it): the
    Jinja2 backend's `csrf_input` masks a new token each time a form writes it, and a
    fragment rendered with the request puts a lazy token in the page's context whose
    `{% csrf_token %}` tags mask it again."""
    token = get_token(request)
    return {"csrf_token": token, "csrf_field": csrf_field(token)}


def translate(message: str, **variables) -> Markup:
    """A fragment's `_()`: what the i18n extension's newstyle `_` gives (the message
    translated, safe, then formatted with `variables` escaped, so `%%` reads `%`), in one
    call. The extension's `_` is three calls through the template context (an alias, the
    newstyle wrapper, the translation) and formats even a message without a `%`: 5 µs a
    string where this takes about half (bench/README.md, session 18), and a home draws
    dozens. A test holds it equal to the extension's for every kind of message."""
    text = Markup(translation.gettext(message))  # noqa: S704 (our catalogs, as the extension's)
    return text % variables if variables or "%" in text else text


def environment(**options) -> jinja2.Environment:
    """OPTIONS["filter_libraries"]: the Django template libraries (modules with a
    `register`) whose filters the fragments use too, so that one function serves both
    engines: settings names them, as Django's OPTIONS["libraries"] does, and core imports
    no app above it."""
    options.pop("autoescape", None)  # always on
    options.pop("undefined", None)  # Django's backend sets its own; see below
    libraries = options.pop("filter_libraries", ())
    # A missing name or attribute, at any depth, draws nothing, as in Django's template
    # language (`ticket.owner.staff.name` of a ticket without an owner).
    env = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined, **options)
    env.template_class = Template
    env.globals["url"] = url
    env.globals["static"] = static
    env.globals["widget"] = widget
    env.filters.update(DJANGO_FILTERS)  # Django's filesizeformat over Jinja2's, as pages read
    for filters in (import_module(m).register.filters for m in libraries):
        clash = set(filters) & set(env.filters)
        if clash:
            raise ImproperlyConfigured(f"Jinja2 filters named twice: {sorted(clash)}")
        env.filters.update(filters)
    env.install_gettext_translations(translation, newstyle=True)
    env.globals["_"] = translate  # the extension's `_`, in one call (translate)
    return env
