"""A figure of exactly 0 is shown as 0, not as "no figure" (issue #12 point 9): report and
survey templates write an absent figure with `blank` (None or empty → —), never with
`default`, which hides a 0 too."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines


@pytest.mark.parametrize(
    ("source", "value", "shown"),
    [
        ("{{ v|blank }}", 0, "0"),
        ("{{ v|blank }}", 0.0, "0.0"),
        ("{{ v|floatformat:1|blank }}", 0, "0.0"),
        ("{{ v|blank }}%", None, "—%"),
        ("{{ v|floatformat:1|blank }}", None, "—"),
        ("{{ v|blank }}", "", "—"),
    ],
)
def test_blank_hides_only_a_missing_figure(source, value, shown):
    template = engines["django"].from_string("{% load wuyedesk %}" + source)
    assert template.render({"v": value}) == shown


def test_report_and_survey_templates_do_not_hide_zeros():
    root = Path(settings.PACKAGE_DIR) / "templates"
    for folder in ("reports", "surveys", "improvements"):
        for path in (root / folder).rglob("*.html"):
            assert 'default:"—"' not in path.read_text(), path
