import re

from django import forms

from wuyedesk.core.forms import FastSelect, FastSelectMultiple, StyledFormMixin


class Sample(StyledFormMixin, forms.Form):
    one = forms.ChoiceField(
        choices=[("", "—"), ("a", "A & <b>"), ("Group", [("g1", "G1"), ("g2", "G2")])],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)


def normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def test_fast_select_renders_what_django_renders():
    fast = Sample({"one": "g2", "many": ["x", "y"]})
    assert isinstance(fast.fields["one"].widget, FastSelect)
    assert isinstance(fast.fields["many"].widget, FastSelectMultiple)
    for name, django_widget in (("one", forms.Select), ("many", forms.SelectMultiple)):
        field = fast.fields[name]
        slow = django_widget(attrs=field.widget.attrs, choices=field.widget.choices)
        value = fast[name].value()
        attrs = {"id": f"id_{name}"}
        assert normalised(field.widget.render(name, value, attrs)) == normalised(
            slow.render(name, value, attrs)
        )


def test_fast_select_escapes_labels():
    html = Sample().fields["one"].widget.render("one", "", {})
    assert "A &amp; &lt;b&gt;" in html and "<b>" not in html
