#!/usr/bin/env bash
# Refresh the English catalogue from the source (the msgids are the Chinese texts), then
# compile it. Fill every new empty msgstr in wuyedesk/locale/en/LC_MESSAGES/django.po and run
# this again; core/tests/test_i18n.py fails while any entry is untranslated or stale.
# No source locations are written: they change with every edit and only make merges conflict.
set -euo pipefail
cd "$(dirname "$0")/../wuyedesk"
../.venv/bin/python ../manage.py makemessages -l en --no-location --no-obsolete -i "static/*" >/dev/null
../.venv/bin/python ../manage.py compilemessages -l en >/dev/null
# What still needs a translation (empty) or a look (fuzzy: msgmerge guessed from a near text).
po=locale/en/LC_MESSAGES/django.po
msgattrib --untranslated --no-wrap "$po" | grep '^msgid ' | grep -v '^msgid ""$' | sed 's/^/untranslated: /' || true
msgattrib --only-fuzzy --no-wrap "$po" | grep '^msgid ' | sed 's/^/fuzzy: /' || true
