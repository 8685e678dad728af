"""What the archive tells the apps above it (docs/architecture.md): the archive imports none
of them.

- `archive_notice(users, kind, text, link, key)`: a keeper should hear of the archive's
  monthly list of documents due for destruction (AST-1). Sent after the commit;
  notifications makes the notices, once per `key`.
"""

from django.dispatch import Signal

archive_notice = Signal()
