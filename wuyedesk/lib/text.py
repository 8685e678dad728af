"""Text as a person types it, the one rule for every form, API body and import (#11 point 8).

Control characters are never what someone meant to store: NUL cannot be held by PostgreSQL,
ESC sequences (`\\x1b[31m`) repaint the terminal of whoever later reads a log or an export,
and C1 controls (U+0080–U+009F, CSI among them) do the same on 8-bit terminals. So text
keeps tab and newline only; a CR that ends a line (CRLF, as browsers send a textarea) becomes
LF, and any other control character is refused with the field named.

Callers: `core.forms.CleanTextMixin` (every form), `api.parser.CleanTextParser` (every API
body, query and form), `properties.importer` (every cell), `surveys.services` (answers).
"""

import re
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

# C0 controls but tab (\x09) and newline (\x0a), DEL, and the C1 controls: Unicode's "Cc".
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CODE = "control_characters"
MESSAGE = _("不能含有控制字符(制表符和换行除外)。")


def normalize_newlines(value: str) -> str:
    return value.replace("\r\n", "\n") if "\r" in value else value


def has_control(value: str) -> bool:
    """Whether `value` (newlines already normalised) holds a character it may not."""
    return CONTROL.search(value) is not None


def clean_text(value: str) -> str | None:
    """`value` with CRLF as LF, or None when it holds another control character."""
    value = normalize_newlines(value)
    return None if has_control(value) else value


def without_controls(value: str) -> str:
    """Search text as typed, its control characters removed: searched, never stored."""
    return CONTROL.sub("", normalize_newlines(value))


def bad_paths(data, path: tuple = ()) -> Iterator[tuple]:
    """The paths (keys and list indexes) of every string in `data` that `clean_text` refuses;
    a refused dictionary key is reported at the key itself."""
    if isinstance(data, str):
        if clean_text(data) is None:
            yield path
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and clean_text(key) is None:
                yield (*path, CONTROL.sub("?", key))
                continue
            yield from bad_paths(value, (*path, key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from bad_paths(value, (*path, index))


def normalized(data):
    """`data` (parsed JSON or form values) with CRLF as LF in every string."""
    if isinstance(data, str):
        return normalize_newlines(data)
    if isinstance(data, dict):
        return {key: normalized(value) for key, value in data.items()}
    if isinstance(data, list):
        return [normalized(value) for value in data]
    return data
