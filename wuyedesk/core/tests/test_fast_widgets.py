"""The fast widgets of core/forms.py write exactly the markup of Django's widget templates."""

import datetime as dt

import pytest
from django import forms

from wuyedesk.core.forms import FAST

ATTRS = {"class": "form-control", "required": True, "disabled": False, "placeholder": "电话 & 名"}


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.TextInput, 'a<b"c'),
        (forms.NumberInput, 5),
        (forms.EmailInput, None),
        (forms.PasswordInput, "secret"),
        (forms.HiddenInput, 3),
        (forms.DateInput, dt.date(2026, 1, 2)),
        (forms.DateTimeInput, dt.datetime(2026, 1, 2, 3, 4)),
        (forms.TimeInput, dt.time(1, 2)),
        (forms.URLInput, "https://example.cn/?a=1&b=2"),
        (forms.Textarea, "第一行\n<script>"),
        (forms.Textarea, None),
    ],
)
def test_same_markup_as_django(widget, value):
    django_html = widget(attrs=dict(ATTRS)).render("f", value, attrs={"id": "id_f"})
    fast_html = FAST[widget](attrs=dict(ATTRS)).render("f", value, attrs={"id": "id_f"})
    assert fast_html == django_html
