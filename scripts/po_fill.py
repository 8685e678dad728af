"""Fill English translations into the catalogue: po_fill.py FILE, where FILE has one entry
per line, `中文<TAB>English` (for a plural text `中文<TAB>singular<TAB>plural`). The entry's
msgstr is replaced and its fuzzy mark dropped; then run scripts/i18n.sh to compile."""

import ast
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "wuyedesk/locale/en/LC_MESSAGES/django.po"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: str) -> None:
    po = PO.read_text(encoding="utf-8")
    blocks = po.split("\n\n")
    wanted = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            source, *english = line.split("\t")
            wanted[source] = english
    for i, block in enumerate(blocks):
        match = re.search(r'^msgid (".*"(?:\n".*")*)', block, re.M)
        if not match:
            continue
        msgid = "".join(ast.literal_eval(part) for part in match.group(1).split("\n"))
        if msgid not in wanted or not msgid:
            continue
        english = wanted.pop(msgid)
        comments = [
            re.sub(r"^#, fuzzy, ", "#, ", line)
            for line in block.split("\n")
            if line.startswith("#") and not line.startswith("#|") and line != "#, fuzzy"
        ]
        context = re.search(r'^msgctxt .*(\n".*")*', block, re.M)
        head = "\n".join([*comments, *([context.group(0)] if context else []), match.group(0)])
        if "msgid_plural" in block:
            plural = re.search(r'^msgid_plural .*(\n".*")*', block, re.M).group(0)
            head += "\n" + plural
            strs = [f"msgstr[{n}] {quote(text)}" for n, text in enumerate(english)]
            blocks[i] = head + "\n" + "\n".join(strs)
        else:
            blocks[i] = head + "\nmsgstr " + quote(english[0])
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    for missing in wanted:
        print("not in the catalogue:", missing)


if __name__ == "__main__":
    main(sys.argv[1])
