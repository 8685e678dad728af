"""What training tells the apps above it (docs/architecture.md): training imports none of
them.

- `training_notice(users, kind, text, link, key)`: staff should hear of training (a
  mandatory course due or expired, an enrolment in a session). `text` is a Msg
  (lib/messages.py), shown in each reader's language. Sent after the commit;
  notifications makes the notices, once per `key`.
"""

from django.db import transaction
from django.dispatch import Signal

training_notice = Signal()


def send_notice(*, users, kind: str, text, link: str, key: str) -> None:
    users = [u for u in users if u is not None]
    if not users:
        return
    transaction.on_commit(
        lambda: training_notice.send(
            sender=None, users=users, kind=kind, text=text, link=link, key=key
        )
    )
