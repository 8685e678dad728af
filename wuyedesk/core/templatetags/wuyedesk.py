from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.template import engines
from django.utils import timezone
from django.utils.html import format_html
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


def csrf_field(token: str) -> str:
    """The hidden field of a form's CSRF token, as Django's `{% csrf_token %}` writes it."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _chrome(context, template: str, **values) -> str:
    """A part of the page around the content, drawn by Jinja2 from the Django page's context
    (core/jinja2.py; issue #12: 0.1-0.3 ms less a page in process, within noise through
    gunicorn, bench/README.md). Its forms carry the page's own CSRF token, so a page masks
    one."""
    token = str(context.get("csrf_token") or "")
    if token == "NOTPROVIDED":  # noqa: S105 (Django's marker of no token, as {% csrf_token %})
        token = ""
    request = context.get("request")
    return mark_safe(  # noqa: S308 (an autoescaping Jinja2 template)
        engines["jinja2"]
        .get_template(template)
        .render(
            {
                "csrf_field": csrf_field(token) if token else "",
                "language": get_language(),
                "next": request.get_full_path() if request is not None else "",
                **values,
            }
        )
    )


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
        nav=context.get("nav"),
        unread_notifications=unread,
        unread_overflow=context.get("unread_overflow"),
        unread_label=ngettext("通知:%(n)s 条未读", "通知:%(n)s 条未读", unread) % {"n": unread},
    )


@register.simple_tag(takes_context=True)
def page_notices(context):
    """Above a staff page's content (jinja2/core/notices.html): the manager's banner of severe
    tickets, the last action's messages, the screen pop of a ringing call."""
    user = context.get("user")
    count = context.get("severe_count") or 0
    staff = None
    if context.get("nav"):
        try:
            staff = user.staff
        except ObjectDoesNotExist:
            staff = None
    return _chrome(
        context,
        "core/notices.html",
        severe_banner=context.get("severe_banner"),
        severe_overflow=context.get("severe_overflow"),
        severe_label=ngettext(
            "%(n)s 条重大投诉/突发事件待您确认", "%(n)s 条重大投诉/突发事件待您确认", count
        )
        % {"n": count},
        messages=context.get("messages"),
        pop=bool(staff is not None and staff.extension),
    )
