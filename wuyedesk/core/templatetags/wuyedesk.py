import functools
from collections import namedtuple

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template import engines
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from jinja2 import Undefined

register = template.Library()


@register.simple_tag
def widget(field, **attrs):
    """Render a bound field's widget, marked invalid when it has errors (Bootstrap)."""
    css = field.field.widget.attrs.get("class", "")
    if field.errors:
        css = f"{css} is-invalid".strip()
    if field.errors or field.help_text:
        attrs.setdefault("aria-describedby", f"{field.auto_id}_help")
    return field.as_widget(attrs={**attrs, "class": css})


@register.simple_tag
def field_row(field):
    """A form field's row: label, audience, widget, errors and help (jinja2/core/field.html).
    A Jinja2 fragment, as the widgets are (core/jinja2.py): the field rows were a third of
    the ticket page's drawing in Django's template language (bench/README.md, issue #12)."""
    return mark_safe(  # noqa: S308 (an autoescaping Jinja2 template)
        engines["jinja2"].get_template("core/field.html").render({"field": field})
    )


@register.filter
def local(value, fmt="%Y-%m-%d %H:%M"):
    """A stored UTC time in the company's time zone (Asia/Shanghai by default)."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt)


@register.filter
def blank(value):
    """A dash for nothing: None, "", or (in a Jinja2 fragment) a name that is not there."""
    return "—" if value is None or value == "" or isinstance(value, Undefined) else value


@functools.cache
def _choices(model, name: str) -> dict:
    return dict(model._meta.get_field(name).flatchoices)


@register.filter
def display(instance, name: str):
    """What `instance.get_<name>_display()` shows: the label of the field's value in the
    active language, else the value. Django's method builds a dict of every choice for each
    call, translating each label to hash it: the ticket page's six labels were forty
    translations (bench/README.md, session 18). Here each model's choices are read once."""
    value = getattr(instance, name)
    label = _choices(type(instance), name).get(value)
    return value if label is None else str(label)


def csrf_field(token: str) -> str:
    """The hidden field of a form's CSRF token, as Django's `{% csrf_token %}` writes it."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


# What differs between two drawings of a part of the frame with the same values: the form's
# CSRF field and the page's own path (the language form's `next`). Drawn as these markers,
# then replaced. Every other value is escaped when drawn, so no text stored or typed into
# the product can write a marker's "<".
_CSRF_HOLE, _NEXT_HOLE = "<wuyedesk-csrf>", "<wuyedesk-next>"


@functools.lru_cache(maxsize=1024)
def _drawn(template: str, language: str, values: tuple) -> str:
    """`template` drawn with `values` (name, value pairs) and the holes: each part of the
    frame is the same for a person from page to page (their menu, name and unread count),
    so it is drawn once per process for each set of values and language. Issue #12 Speed:
    an empty staff page's frame cost a gunicorn worker 1.1-1.3 ms of CPU on top of the
    request's 0.75 ms; kept, the manager's home went from 3.05 to 2.63 ms of CPU in process
    and from 3.36 to 3.12 ms in one gunicorn worker (bench/README.md, session 16). Django's
    `{% cache %}` would keep a page's own CSRF token, and read a file for each part."""
    return (
        engines["jinja2"]
        .get_template(template)
        .render(
            {
                "csrf_field": mark_safe(_CSRF_HOLE),  # noqa: S308 (our own constants)
                "language": language,
                "next": mark_safe(_NEXT_HOLE),  # noqa: S308
                **dict(values),
            }
        )
    )


def _chrome(context, template: str, *, keep: bool = True, **values) -> str:
    """A part of the page around the content, drawn by Jinja2 from the Django page's context
    (core/jinja2.py) and kept (_drawn), unless `keep` is false (the messages of the last
    action, shown once). Its forms carry the page's own CSRF token, so a page masks one."""
    token = str(context.get("csrf_token") or "")
    if token == "NOTPROVIDED":  # noqa: S105 (Django's marker of no token, as {% csrf_token %})
        token = ""
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    draw = _drawn if keep else _drawn.__wrapped__
    html = draw(template, get_language(), tuple(values.items()))
    html = html.replace(_CSRF_HOLE, csrf_field(token) if token else "")
    return mark_safe(html.replace(_NEXT_HOLE, escape(path)))  # noqa: S308 (escaped above)


@register.simple_tag(takes_context=True)
def language_switch(context):
    """The form that switches the interface between Chinese and English
    (jinja2/core/language.html)."""
    return _chrome(context, "core/language.html")


def _name_of(user) -> str:
    """The name on the user menu: the staff member's, else the login name ("" for nobody)."""
    if user is None or not user.is_authenticated:
        return ""
    try:
        return user.staff.name or user.get_username()
    except ObjectDoesNotExist:
        return user.get_username()


@register.simple_tag(takes_context=True)
def page_bar(context):
    """The staff pages' top bar (jinja2/core/bar.html): the menu (web.context_processors), the
    global search, the language, the notifications and the user menu."""
    user = context.get("user")
    unread = context.get("unread_notifications") or 0
    return _chrome(
        context,
        "core/bar.html",
        user_name=_name_of(user),
        resident=getattr(user, "is_resident", False),
        menu_html=context.get("menu_html", ""),
        nav=bool(context.get("nav")),
        unread_notifications=unread,
        unread_overflow=context.get("unread_overflow"),
        unread_label=ngettext("通知:%(n)s 条未读", "通知:%(n)s 条未读", unread) % {"n": unread},
    )


BannerRow = namedtuple("BannerRow", "pk number title")


@register.simple_tag(takes_context=True)
def page_notices(context):
    """Above a staff page's content (jinja2/core/notices.html): the manager's banner of severe
    tickets, the last action's messages, the screen pop of a ringing call."""
    user = context.get("user")
    count = context.get("severe_count") or 0
    # Kept with the other values (_drawn): the banner's rows (dicts) as what it shows, and
    # no messages as none (an empty storage object is a new object on every request; its
    # len() reads them without marking them shown).
    rows = context.get("severe_banner") or ()
    banner = tuple(BannerRow(r["pk"], r["number"], r["title"]) for r in rows)
    messages = context.get("messages")
    if messages is not None and not len(messages):
        messages = None
    staff = None
    if context.get("nav"):
        try:
            staff = user.staff
        except ObjectDoesNotExist:
            staff = None
    return _chrome(
        context,
        "core/notices.html",
        keep=messages is None,
        severe_banner=banner,
        severe_overflow=context.get("severe_overflow"),
        severe_label=ngettext(
            "%(n)s 条重大投诉/突发事件待您确认", "%(n)s 条重大投诉/突发事件待您确认", count
        )
        % {"n": count},
        messages=messages,
        pop=bool(staff is not None and staff.extension),
    )
