from django import template
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe
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
