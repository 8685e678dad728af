"""#11 point 8 on pages: a control character in any form field is an error on that field,
the page keeps the form filled and nothing is saved; tab, newline and CRLF (as LF) pass."""

import importlib
import pkgutil

from django import forms

import wuyedesk
from wuyedesk.core.forms import CleanTextMixin
from wuyedesk.properties.models import Resident


def test_a_control_character_keeps_the_form_filled_and_saves_nothing(world, client_as):
    client = client_as(world.assistant)
    before = Resident.objects.count()

    response = client.post(
        "/residents/new/",
        {
            "name": "王\x1b[31m五",
            "phone": "13700000001",
            "community": world.a.pk,
            "notes": "楼下有狗",
        },
    )

    assert response.status_code == 200
    assert Resident.objects.count() == before
    page = response.content.decode()
    assert "不能含有控制字符" in page
    assert "is-invalid" in page
    assert "楼下有狗" in page and "13700000001" in page


def test_nul_in_a_form_field_is_a_field_error_too(world, client_as):
    response = client_as(world.assistant).post(
        "/residents/new/",
        {"name": "王五", "phone": "13700000001", "community": world.a.pk, "notes": "a\x00b"},
    )

    assert response.status_code == 200
    assert "不能含有控制字符" in response.content.decode()
    assert not Resident.objects.filter(name="王五").exists()


def test_tab_newline_and_crlf_pass_crlf_stored_as_lf(world, client_as):
    response = client_as(world.assistant).post(
        "/residents/new/",
        {
            "name": "王五",
            "phone": "13700000001",
            "community": world.a.pk,
            "notes": "第一行\r\n第二行\n\t缩进",
        },
    )

    assert response.status_code == 302
    assert Resident.objects.get(name="王五").notes == "第一行\n第二行\n\t缩进"


def test_a_file_name_with_control_characters_is_refused():
    from django.core.files.uploadedfile import SimpleUploadedFile

    class Upload(CleanTextMixin, forms.Form):
        file = forms.FileField()

    bad = Upload(files={"file": SimpleUploadedFile("照片\x1b.jpg", b"x")})
    good = Upload(files={"file": SimpleUploadedFile("照片.jpg", b"x")})

    assert bad.errors["file"] and bad.errors.as_data()["file"][0].code == "control_characters"
    assert good.is_valid()


def test_fields_added_after_init_are_checked_too():
    class Late(CleanTextMixin, forms.Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["late"] = forms.CharField()

    assert not Late({"late": "a\x07"}).is_valid()
    assert Late({"late": "a"}).is_valid()


def _project_forms() -> list[type]:
    for module in pkgutil.walk_packages(wuyedesk.__path__, "wuyedesk."):
        if ".tests" in module.name or module.name.endswith(("testing", "testing_mail")):
            continue
        if ".migrations" in module.name or module.name.startswith("wuyedesk.core.postgresql"):
            continue
        importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("wuyedesk.") and ".tests" not in sub.__module__:
                found.append(sub)
    return found


def test_every_form_of_the_project_has_the_text_rule():
    project_forms = _project_forms()

    assert len(project_forms) > 40
    missing = [
        f"{f.__module__}.{f.__name__}" for f in project_forms if not issubclass(f, CleanTextMixin)
    ]
    assert not missing, missing


def test_data_that_is_not_text_is_left_alone():
    from django.http import QueryDict

    class Versioned(CleanTextMixin, forms.Form):
        version = forms.IntegerField()
        note = forms.CharField()

    data = QueryDict(mutable=True)
    data.setlist("version", [3])
    data.setlist("note", ["a\r\nb"])
    form = Versioned(data)

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"version": 3, "note": "a\nb"}
