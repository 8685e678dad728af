"""The Jinja2 engine of the hottest fragments (core/jinja2.py) writes what Django's templates
write: the same escaping, the project's translations, Django's URLs."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.utils.translation.template import templatize

VALUES = [
    "a<b>\"c\" & 'd'",
    "<script>alert(1)</script>",
    "漏水 & 停电",
    "typed entities: &#34; &#39; &quot;",
    42,
    None,
    "",
    mark_safe("<b>kept</b>"),
    gettext_lazy("超时"),
]


@pytest.mark.parametrize("value", VALUES)
def test_values_are_escaped_as_django_escapes_them(value):
    jinja = engines["jinja2"].from_string("<i title={{ v }}>{{ v }}</i>")
    django = engines["django"].from_string("<i title={{ v }}>{{ v }}</i>")
    assert jinja.render({"v": value}) == django.render({"v": value})


def test_a_script_is_text():
    html = engines["jinja2"].from_string("{{ v }}").render({"v": "<script>x</script>"})
    assert html == "&lt;script&gt;x&lt;/script&gt;"


def test_strings_are_the_projects_translations_and_urls_are_djangos():
    template = engines["jinja2"].from_string('{{ _("超时") }} {{ url("ticket_queue") }}')
    assert template.render({}) == "超时 /tickets/"
    with translation.override("en"):
        assert template.render({}) == "Overdue /tickets/"


def test_the_fragments_strings_are_extracted_and_translated():
    """makemessages reads the Jinja2 fragments like any template (`{{ _("…") }}`): each of
    their strings is found by Django's templatize and has its English text."""
    root = Path(settings.PACKAGE_DIR) / "jinja2"
    found = 0
    for path in root.rglob("*.html"):
        source = path.read_text()
        written = re.findall(r'_\("([^"]+)"\)', source)
        extracted = re.findall(r'_\("([^"]+)"\)', templatize(source, origin=str(path)))
        assert sorted(written) == sorted(extracted), path
        with translation.override("en"):
            for msgid in written:
                assert translation.gettext(msgid) != msgid, msgid
        found += len(written)
    assert found
