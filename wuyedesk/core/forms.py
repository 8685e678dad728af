from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from wuyedesk.lib import text


class RowChoices(BaseChoiceIterator):
    """(value, label) pairs read from the database, already in the shape Django normalises
    choices into. Given as they are, a field and its widget keep them instead of walking
    every pair twice (a manager's filter of 200 communities spent ~1.5 ms there)."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self):
        return len(self.pairs)


class FastSelectMixin:
    """Render <select> options in Python instead of one template per option.

    Django renders each <option> through the template engine, after building a dict of
    attributes per option; a queue filter with a few hundred communities spent most of its
    page time there (bench/README.md). This walks the choices once and writes the same
    markup (a test compares the two).
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        wanted = set(self.format_value(value))
        multiple = self.allow_multiple_selected
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        has_selected = False
        for group_value, group_label in self.choices:
            grouped = isinstance(group_label, (list, tuple))
            if grouped:
                parts.append(format_html('<optgroup label="{}">', group_value))
                options = group_label
            else:
                options = ((group_value, group_label),)
            for option_value, label in options:
                text = "" if option_value is None else str(option_value)
                selected = (multiple or not has_selected) and text in wanted
                has_selected |= selected
                parts.append(
                    f'<option value="{escape(text)}"{" selected" if selected else ""}>'
                    f"{escape(str(label))}</option>"
                )
            if grouped:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value and label is escaped)


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


def _attrs(attrs: dict) -> str:
    """Attributes in their own order, as django/forms/widgets/attrs.html writes them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastInputMixin:
    """An <input> in one format call: the same markup as Django's input.html template
    (type, name, value, then the attributes), without a template render per field."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            name,
            shown,
            mark_safe(_attrs(widget["attrs"])),  # noqa: S308  (every value is escaped)
        )


class FastTextarea(forms.Textarea):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        text = "" if widget["value"] is None else widget["value"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            name,
            mark_safe(_attrs(widget["attrs"])),  # noqa: S308  (every value is escaped)
            text,
        )


FAST = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}
for _input in (
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
):
    FAST[_input] = type(f"Fast{_input.__name__}", (FastInputMixin, _input), {})
FAST[forms.Textarea] = FastTextarea


def reject_control_characters(value) -> None:
    """A form field's validator: the value (or an uploaded file's name) holds no control
    character but tab and newline (lib/text.py)."""
    name = getattr(value, "name", value)
    if isinstance(name, str) and text.has_control(text.normalize_newlines(name)):
        raise ValidationError(text.MESSAGE, code=text.CODE)


class CleanTextMixin:
    """Every form of WuyeDesk: CRLF in what was posted becomes LF, and a text field (or a file
    name) with any other control character is invalid, its error on the field, so the page
    keeps the form filled and the API answers 422 naming it. A test checks that every form
    class of the project has this mixin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = _normalized_data(self.data)

    def full_clean(self):
        # Here rather than in __init__: some forms add their fields after it.
        for field in self.fields.values():
            text_field = isinstance(field, forms.CharField | forms.FileField)
            if text_field and reject_control_characters not in field.validators:
                field.validators.append(reject_control_characters)
        super().full_clean()


def _normalized_data(data):
    if hasattr(data, "lists"):  # a QueryDict or another MultiValueDict
        if not any(isinstance(v, str) and "\r" in v for _k, vs in data.lists() for v in vs):
            return data
        copy = data.copy()
        for key, values in data.lists():
            copy.setlist(key, [text.normalized(value) for value in values])
        return copy
    return text.normalized(dict(data))


class StyledFormMixin(CleanTextMixin):
    """Bootstrap classes on every widget, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if type(widget) in FAST:
                widget.__class__ = FAST[type(widget)]


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
