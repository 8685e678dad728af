import re

import pytest
from django import forms

from wuyedesk.core.forms import FastSelect, FastSelectMultiple, StyledFormMixin


class Sample(StyledFormMixin, forms.Form):
    one = forms.ChoiceField(
        choices=[("", "—"), ("a", "A & <b>"), ("Group", [("g1", "G1"), ("g2", "G2")])],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    number = forms.TypedChoiceField(
        choices=[("", "全部"), (1, "一"), (2, "二"), (None, "无"), (2, "二again")],
        coerce=int,
        required=False,
    )


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize(
    "data",
    [
        {"one": "g2", "many": ["x", "y"], "number": "2"},
        {"one": "", "many": [], "number": ""},
        {},
        {"one": "a", "many": ["y"], "number": 1},
    ],
)
def test_fast_select_renders_what_django_renders(data):
    fast = Sample(data)
    assert isinstance(fast.fields["one"].widget, FastSelect)
    assert isinstance(fast.fields["many"].widget, FastSelectMultiple)
    for name, django_widget in (
        ("one", forms.Select),
        ("many", forms.SelectMultiple),
        ("number", forms.Select),
    ):
        field = fast.fields[name]
        slow = django_widget(attrs=field.widget.attrs, choices=field.widget.choices)
        value = fast[name].value()
        attrs = {"id": f"id_{name}", "required": name == "one"}
        assert normalised(field.widget.render(name, value, attrs)) == normalised(
            slow.render(name, value, attrs)
        )


def test_fast_select_escapes_labels():
    html = Sample().fields["one"].widget.render("one", "", {})
    assert "A &amp; &lt;b&gt;" in html and "<b>" not in html
