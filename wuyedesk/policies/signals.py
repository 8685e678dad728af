"""What policies tells the apps above it (docs/architecture.md): policies imports none of
them.

- `policy_notice(users, kind, text, link, key)`: staff should hear of a step of a policy
  document (a consultation opened, a version submitted, returned or in force, a reminder to
  acknowledge). Sent after the commit; notifications makes the notices, once per `key`.
"""

from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse

policy_notice = Signal()


def send_notice(*, users, kind: str, text: str, version, key: str) -> None:
    """Queue `policy_notice` for after the commit, linking to the version's page; `key`
    makes it once per version and occasion."""
    users = [u for u in users if u is not None]
    if not users:
        return
    link = reverse("policy_version", kwargs={"pk": version.pk})
    full_key = f"policy:{version.pk}:{key}"
    transaction.on_commit(
        lambda: policy_notice.send(
            sender=type(version), users=users, kind=kind, text=text, link=link, key=full_key
        )
    )
