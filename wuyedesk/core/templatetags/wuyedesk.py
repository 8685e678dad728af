from django import template
from django.utils import timezone

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


@register.filter
def local(value, fmt="%Y-%m-%d %H:%M"):
    """A stored UTC time in the company's time zone (Asia/Shanghai by default)."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime(fmt)


@register.filter
def blank(value):
    return "—" if value in (None, "") else value
