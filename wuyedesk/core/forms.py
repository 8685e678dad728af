"""The mixins every form of WuyeDesk uses: clean text, Bootstrap classes, scoped choices;
and the form renderer.

Widgets are Django's own and render through its Jinja2 widget templates (django/forms/jinja2/)
read by the project's Jinja2 engine (FormRenderer below, settings.FORM_RENDERER), with two
project overrides in wuyedesk/jinja2/django/forms/widgets/: select.html writes its options in
place, and input_option.html keeps the line breaks of Django's template-language widgets, so
every widget's markup is byte for byte what Django's own templates write (core/tests/
test_forms.py). Measured for issue #13 (median CPU per request over 200 requests in-process,
Django's test client, the 1,000,000-ticket SQLite bench database), the intake page, whose five
selects hold 226 options (the manager's 200 communities): 10 ms with the widgets rendered in
Python (removed; measured earlier), 29-31 ms through Django's template-language widgets
(TemplatesSetting with the project's select.html; 32-33 ms with Django's own), 15 ms with
Django's built-in Jinja2 renderer, 15.6-16 ms with this renderer and no select override, and
11.6-12.5 ms with this renderer and its select.html. The queue pages as they open keep their
rendered filter fields (tickets/queue_filters.py), so only a filtered queue renders its
selects each time.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer
from django.template import engines
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator

from wuyedesk.lib import text


class FormRenderer(BaseRenderer):
    """settings.FORM_RENDERER: widgets render through the project's Jinja2 engine (NAME
    "jinja2", core/jinja2.py), which finds Django's own Jinja2 widget templates
    (django/forms/jinja2/, the django.forms app) behind the project's overrides in
    wuyedesk/jinja2/django/forms/widgets/. Django's built-in Jinja2 renderer reads the same
    templates, but through a plain Jinja2 environment: it escapes `"` as `&#34;` rather than
    Django's `&quot;`, and a project template cannot override one of Django's. Every widget
    the project uses writes the bytes of Django's template-language widgets (a test compares
    them); SelectDateWidget, which it does not use, differs in whitespace only (the Django
    template wraps it in `{% spaceless %}`)."""

    def get_template(self, template_name):
        return engines["jinja2"].get_template(template_name)


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


class SearchPicker(forms.Widget):
    """A choice among thousands (the units of a company's buildings): a search box that
    lists the matches from `lookup` (a URL name, answered with radio inputs named like the
    field; htmx), and the chosen row as a checked radio. Only the chosen row is read to
    render it, not every choice a select would write. The field (a ModelChoiceField of the
    scoped queryset) validates what is sent, as it would from a select."""

    template_name = "wuyedesk/widgets/search_picker.html"

    def __init__(self, lookup: str, placeholder: str = "", attrs=None):
        super().__init__(attrs)
        self.lookup = lookup
        self.placeholder = placeholder

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = None
        if value not in (None, ""):
            field = getattr(self.choices, "field", None)  # set by the ModelChoiceField
            if field is not None:
                try:
                    chosen = field.queryset.filter(pk=value).first()
                except (TypeError, ValueError, ValidationError):
                    chosen = None
        context["widget"].update(
            lookup_url=reverse(self.lookup),
            placeholder=self.placeholder,
            chosen=(str(chosen.pk), str(chosen)) if chosen is not None else None,
        )
        return context


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
    """Bootstrap classes on every widget, so templates render fields with one include; the
    widgets are Django's own and render through its widget templates."""

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
