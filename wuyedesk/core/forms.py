from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class FastSelectMixin:
    """Render <select> options in Python instead of one template per option.

    Django renders each <option> through the template engine; a queue filter with a few
    hundred communities spent most of its page time there (bench/README.md).
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                selected = " selected" if option["selected"] else ""
                parts.append(
                    f'<option value="{escape(option["value"])}"{selected}>'
                    f"{escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value and label is escaped)


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


FAST = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
                if type(widget) in FAST:
                    widget.__class__ = FAST[type(widget)]
            else:
                widget.attrs.setdefault("class", "form-control")


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm whose choices are limited to what `user` may see (see `scope_fields`)."""

    # field name -> selector(user) giving the allowed choices
    scope_fields: dict = {}

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, selector in self.scope_fields.items():
            if name in self.fields:
                self.fields[name].queryset = selector(user).filter(archived_at__isnull=True)
