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


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_display_is_the_models_own_label_of_a_value(language):
    from wuyedesk.tickets.models import Dispatch, Ticket

    draw = engines["jinja2"].from_string('{{ t|display("kind") }}|{{ t|display("status") }}')
    with translation.override(language):
        for kind, _label in Ticket._meta.get_field("kind").choices:
            for status, _label in Ticket._meta.get_field("status").choices:
                ticket = Ticket(kind=kind, status=status)
                expected = f"{ticket.get_kind_display()}|{ticket.get_status_display()}"
                assert draw.render({"t": ticket}) == expected
        # A value without a label is shown as it is (Django's method does the same), and
        # None stays None for a filter after it (|blank).
        for value in ("", "gone", None):
            dispatch = Dispatch(purpose=value)
            assert engines["jinja2"].env.filters["display"](dispatch, "purpose") == (
                dispatch.get_purpose_display()
            )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_fragments_underscore_is_the_i18n_extensions(language):
    """core.jinja2.translate, the fragments' `_()`, writes what the i18n extension's newstyle
    `_` writes: translated, kept as it is (not escaped), `%%` as `%`, variables escaped."""
    import jinja2

    extension = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    extension.install_gettext_translations(translation, newstyle=True)
    cases = [
        ('{{ _("工单") }}', {}),
        ('{{ _("A & <b>B</b>") }}', {}),
        ('{{ _("完成 50%%") }}', {}),
        ('{{ _("共 %(n)s 条", n=v) }}', {"v": "<script>"}),
        ('<i title="{{ _("超时") }}">{{ _("超时") }}</i>', {}),
    ]
    with translation.override(language):
        for source, values in cases:
            ours = engines["jinja2"].from_string(source).render(values)
            theirs = extension.from_string(source).render(values)
            assert ours == theirs.replace("&#34;", "&quot;").replace("&#39;", "&#x27;"), source
        assert engines["jinja2"].from_string('{{ _("工单") }}').render() == str(
            translation.gettext("工单")
        )
