"""StyledFormMixin: Django's own widgets, rendered by its widget templates, with Bootstrap's
classes set as attributes; the project's renderer (Django's Jinja2 widget templates through
the project's Jinja2 engine) writes the markup Django's own templates write."""

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

from wuyedesk.core.forms import FormRenderer, StyledFormMixin


class Sample(StyledFormMixin, forms.Form):
    one = forms.ChoiceField(
        choices=[("", "—"), ("a", "A & <b>"), ("Group", [("g1", "G1"), ("g2", "G2")])],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    number = forms.TypedChoiceField(
        choices=[("", "全部"), (1, "一"), (2, "二")], coerce=int, required=False
    )
    text = forms.CharField(required=False)
    agree = forms.BooleanField(required=False)


def test_widgets_are_djangos_own_with_bootstrap_classes():
    form = Sample()
    expected = {
        "one": (forms.Select, "form-select"),
        "many": (forms.SelectMultiple, "form-select"),
        "number": (forms.Select, "form-select"),
        "text": (forms.TextInput, "form-control"),
        "agree": (forms.CheckboxInput, "form-check-input"),
    }
    for name, (widget, css) in expected.items():
        assert type(form.fields[name].widget) is widget, name
        assert form.fields[name].widget.attrs["class"] == css, name


@pytest.mark.parametrize(
    ("data", "selected"),
    [
        (
            {"one": "g2", "many": ["x", "y"], "number": "2"},
            ['value="g2"', 'value="x"', 'value="y"', 'value="2"'],
        ),
        ({"one": "a", "many": ["y"], "number": "1"}, ['value="a"', 'value="y"', 'value="1"']),
    ],
)
def test_selects_render_the_chosen_options(data, selected):
    form = Sample(data)
    html = "".join(str(form[name]) for name in ("one", "many", "number"))
    assert html.count(" selected") == len(selected)
    for value in selected:
        assert f"{value} selected" in html
    assert 'class="form-select"' in html and '<optgroup label="Group">' in html


def test_labels_and_values_are_escaped():
    form = Sample({"text": 'a<b"c'})
    assert "A &amp; &lt;b&gt;" in str(form["one"]) and "<b>" not in str(form["one"])
    assert 'value="a&lt;b&quot;c"' in str(form["text"])


@pytest.mark.parametrize(
    "data",
    [
        {"one": "g2", "many": ["x", "y"], "number": "2"},
        {"one": "", "many": [], "number": ""},
        {},
        {"one": "a", "many": ["y"], "number": "1"},
    ],
)
def test_the_projects_select_template_writes_djangos_markup(data):
    """jinja2/django/forms/widgets/select.html writes its options in place: the same bytes
    as Django's own select.html and select_option.html."""
    form = Sample(data)
    for name in ("one", "many", "number"):
        widget, value = form.fields[name].widget, form[name].value()
        attrs = {"id": f"id_{name}", "required": name == "one"}
        ours = widget.render(name, value, attrs, renderer=FormRenderer())
        djangos = widget.render(name, value, attrs, renderer=DjangoTemplates())
        assert ours == djangos
        assert ours.count("<option") == len(list(widget.options(name, widget.format_value(value))))


class EveryWidget(StyledFormMixin, forms.Form):
    text = forms.CharField(initial="a<b\"c'd")
    area = forms.CharField(widget=forms.Textarea, initial="x\n<y>")
    number = forms.IntegerField(initial=3)
    email = forms.EmailField()
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h")
    password = forms.CharField(widget=forms.PasswordInput)
    agree = forms.BooleanField(initial=True)
    one = forms.ChoiceField(choices=[("", "—"), ("a", 'A "&" <b>'), ("G", [("g1", "G1")])])
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], initial=["y"])
    radio = forms.ChoiceField(
        widget=forms.RadioSelect(attrs={"class": "btn-check"}), choices=[("r1", "R1"), ("r2", "R2")]
    )
    boxes = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("c1", "C1"), ("c2", "<C2>")], initial=["c2"]
    )
    file = forms.FileField(required=False)
    maybe = forms.NullBooleanField()
    when = forms.SplitDateTimeField(initial=dt.datetime(2026, 1, 2, 3, 4))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"text": "q\"'<", "one": "a", "many": ["x", "y"], "radio": "r2", "boxes": ["c1"]},
    ],
)
def test_the_projects_renderer_writes_djangos_markup_for_every_widget(data):
    """settings.FORM_RENDERER (core.forms.FormRenderer, the project's Jinja2 engine) writes
    each widget byte for byte as Django's template-language widgets do: the escaping
    (`&quot;`, `&#x27;`), the line breaks, the formsets' management form."""
    assert isinstance(get_default_renderer(), FormRenderer)
    for name in EveryWidget.base_fields:
        ours = str(EveryWidget(data, renderer=FormRenderer())[name])
        djangos = str(EveryWidget(data, renderer=DjangoTemplates())[name])
        assert ours == djangos, name
    ours = forms.formset_factory(EveryWidget, renderer=FormRenderer())().management_form
    djangos = forms.formset_factory(EveryWidget, renderer=DjangoTemplates())().management_form
    assert str(ours) == str(djangos)


class Rows(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名 <b>", help_text="写全名 & 称呼")
    agree = forms.BooleanField(label="同意", required=False)
    kinds = forms.MultipleChoiceField(
        label="类别",
        choices=[("a", "甲"), ("b", "乙")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def _row(field) -> str:
    from django.template import Context, Template

    return Template("{% load wuyedesk %}{% field_row field %}").render(Context({"field": field}))


def test_a_field_row_has_its_label_widget_help_and_errors():
    """{% field_row %} (jinja2/core/field.html) writes each kind of field's row: the label
    tied to the widget, the required mark, help or errors tied by aria-describedby, a
    checkbox and a list of checkboxes in their own markup, a hidden field alone; labels
    escaped."""
    form = Rows(data={"name": "", "kinds": ["b"], "token": "t"})
    assert not form.is_valid()
    name = _row(form["name"])
    assert (
        '<label class="form-label" for="id_name">姓名 &lt;b&gt; <span class="text-danger"' in name
    )
    assert 'class="form-control is-invalid"' in name and 'aria-describedby="id_name_help"' in name
    assert 'class="invalid-feedback d-block" id="id_name_help"' in name
    assert "写全名" not in name  # errors take the help's place
    fresh = _row(Rows()["name"])
    assert '<div class="form-text" id="id_name_help">写全名 &amp; 称呼</div>' in fresh
    agree = _row(form["agree"])
    assert '<div class="form-check"><input type="checkbox"' in agree
    assert '<label class="form-check-label" for="id_agree">同意</label>' in agree
    kinds = _row(form["kinds"])
    assert '<legend class="form-label fs-6">类别</legend>' in kinds
    assert 'value="b"' in kinds and "checked" in kinds and 'for="id_kinds_1">乙</label>' in kinds
    hidden = _row(form["token"]).strip()
    assert (
        hidden.startswith('<input type="hidden" name="token" value="t"') and "<label" not in hidden
    )


@pytest.mark.parametrize("data", [None, {"kinds": ["b", "<&\"'>"]}])
def test_a_field_rows_checkboxes_are_djangos_own(data):
    """jinja2/core/field.html writes a list's checkboxes in place: each is byte for byte the
    box Django's template-language checkbox_option.html writes, checked or not, with values
    to escape and a required attribute."""

    class Boxes(StyledFormMixin, forms.Form):
        kinds = forms.MultipleChoiceField(
            label="类别",
            choices=[("a", "甲"), ("b", "乙"), ("<&\"'>", "丙")],
            widget=forms.CheckboxSelectMultiple(attrs={"data-x": "1"}),
            initial=["a"],
        )

    ours = _row(Boxes(data)["kinds"])
    djangos = Boxes(data, renderer=DjangoTemplates())["kinds"]
    boxes = [str(choice.tag()) for choice in djangos]
    assert len(boxes) == 3 and sum("checked" in box for box in boxes) == (2 if data else 1)
    for box in boxes:
        assert f'<div class="form-check">{box}\n      <label' in ours, box
