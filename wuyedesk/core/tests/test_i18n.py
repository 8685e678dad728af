"""The English catalogue is complete and compiled, and the language switch is remembered."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client

import wuyedesk

MESSAGES = Path(wuyedesk.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"

ENGLISH_HEADING = "Manager home"
CHINESE_HEADING = "客服部经理工作台"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A tiny .po reader: enough for what makemessages writes (no obsolete entries)."""
    entries: list[Entry] = []
    entry, key = None, None
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is None or key is not None:  # a comment opens the next entry
                entry, key = Entry(line=number), None
                entries.append(entry)
            if line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",")}
            continue
        match = keyword.match(line)
        if match:
            name, index, value = match.groups()
            opens = name == "msgctxt" or (name == "msgid" and (key or ("",))[0] != "msgctxt")
            if opens and (entry is None or key is not None):
                entry = Entry(line=number)
                entries.append(entry)
            key = (name, int(index) if index is not None else 0)
            text = ast.literal_eval(value)
        elif line.startswith('"') and key is not None:
            text = ast.literal_eval(line)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
        name, index = key
        if name == "msgid":
            entry.msgid += text
        elif name == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        else:
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
    return entries


@pytest.fixture(scope="module")
def catalogue():
    entries = parse_po(PO)
    header = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header) == 1, "the .po must have exactly one header"
    return header[0], [e for e in entries if e is not header[0]]


def test_header_says_english_with_two_plural_forms(catalogue):
    header, _entries = catalogue
    text = header.msgstr[0]
    assert "Language: en\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in text
    assert "charset=UTF-8" in text
    assert "fuzzy" not in header.flags


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    _header, entries = catalogue
    assert len(entries) > 200, "makemessages should have found the whole project"
    problems = []
    for e in entries:
        forms = 2 if e.msgid_plural is not None else 1
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy: {e.msgid}")
        if sorted(e.msgstr) != list(range(forms)):
            problems.append(f"line {e.line}: expected {forms} msgstr form(s): {e.msgid}")
        if not all(e.msgstr.get(i, "").strip() for i in range(forms)):
            problems.append(f"line {e.line}: empty translation: {e.msgid}")
    assert not problems, "\n".join(problems)


def test_placeholders_survive_translation(catalogue):
    _header, entries = catalogue
    problems = []
    for e in entries:
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for i, text in e.msgstr.items():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"line {e.line} msgstr[{i}]: {text!r} for {e.msgid!r}")
    assert not problems, "\n".join(problems)


def _lookup(mo: gettext.GNUTranslations, e: Entry, n: int) -> str:
    if e.msgid_plural is None:
        if e.msgctxt is None:
            return mo.gettext(e.msgid)
        return mo.pgettext(e.msgctxt, e.msgid)
    if e.msgctxt is None:
        return mo.ngettext(e.msgid, e.msgid_plural, n)
    return mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)


def test_compiled_mo_matches_the_po(catalogue):
    """The committed .mo was compiled from the committed .po (run compilemessages)."""
    _header, entries = catalogue
    with MO.open("rb") as fp:
        mo = gettext.GNUTranslations(fp)
    assert mo.info().get("language") == "en"
    stale = []
    for e in entries:
        # English plural rule: n=1 picks msgstr[0], n=2 picks msgstr[1].
        for n, index in ((1, 0), (2, 1))[: len(e.msgstr)]:
            got = _lookup(mo, e, n)
            if got != e.msgstr[index]:
                stale.append(f"{e.msgid!r} (n={n}): .mo has {got!r}, .po has {e.msgstr[index]!r}")
    assert not stale, "django.mo is out of date:\n" + "\n".join(stale)


def _home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response


def test_manager_switches_to_english_and_it_is_remembered(world, client_as):
    manager = world.manager
    client = client_as(manager)
    home = _home(client)
    assert CHINESE_HEADING in home.content.decode()
    assert home["Content-Language"] == "zh-hans"

    response = client.post("/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = _home(client)
    page = home.content.decode()
    assert ENGLISH_HEADING in page
    assert CHINESE_HEADING not in page
    assert home["Content-Language"] == "en"
    manager.refresh_from_db()
    assert manager.language == "en"

    # A brand-new session (no cookie) on another browser still opens in English.
    elsewhere = Client()
    elsewhere.force_login(manager, backend="wuyedesk.accounts.backends.StaffBackend")
    home = _home(elsewhere)
    assert ENGLISH_HEADING in home.content.decode()
    assert home["Content-Language"] == "en"

    # And back to Chinese.
    response = elsewhere.post("/language/", {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    home = _home(elsewhere)
    page = home.content.decode()
    assert CHINESE_HEADING in page
    assert ENGLISH_HEADING not in page
    assert home["Content-Language"] == "zh-hans"
    manager.refresh_from_db()
    assert manager.language == "zh-hans"
