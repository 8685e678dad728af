"""Texts the software writes for someone else to read later (notifications, timeline rows),
stored as what is needed to render them in the READER's language (issue #12 point 9).

`Msg(gettext_noop("工单 %(number)s 有了答复。"), number=...)` keeps the Chinese msgid and
its parameters; `stored()` is the JSON kept with the row and `render(stored)` translates it
under the active language when the row is shown. A parameter that is itself translatable
(a choice label) is a nested Msg. `suffix` is literal text someone typed, appended as is.
Rows written before this keep their rendered text and show it unchanged.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


class Msg:
    def __init__(self, msgid: str, suffix: str = "", **params):
        self.msgid, self.suffix, self.params = str(msgid), suffix or "", params

    def stored(self) -> dict:
        params = {
            name: value.stored() if isinstance(value, Msg) else _plain(value)
            for name, value in self.params.items()
        }
        data = {"msgid": self.msgid, "params": params}
        if self.suffix:
            data["suffix"] = self.suffix
        return data

    def __str__(self) -> str:
        return render(self.stored())

    def in_language(self, language: str | None) -> str:
        with translation.override(language or settings.LANGUAGE_CODE):
            return str(self)


def _plain(value):
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def label(lazy) -> "Msg":
    """A choice label (a lazy gettext of a Chinese msgid) as a Msg, whatever the language
    active now: its source text is the Chinese."""
    with translation.override(settings.LANGUAGE_CODE):
        return Msg(str(lazy))


def is_message(stored) -> bool:
    return isinstance(stored, dict) and isinstance(stored.get("msgid"), str)


def render(stored: dict) -> str:
    """The stored text in the active language."""
    params = {
        name: render(value) if is_message(value) else value
        for name, value in (stored.get("params") or {}).items()
    }
    text = gettext(stored["msgid"])
    if params:
        try:
            text = text % params
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            text = stored["msgid"] % params
    suffix = stored.get("suffix") or ""
    return f"{text} {suffix}".strip() if suffix else text


def shown(stored, fallback: str) -> str:
    """`stored` rendered now, or the text a row kept from before (`fallback`)."""
    return render(stored) if is_message(stored) else fallback
