"""Named versions in the shared cache, for what pages keep until something changes.

A page that shows the same few rows to everyone who opens it (the manager's banner of
severe tickets, a person's unread count) keeps them in the cache under the current version
of what they are read from; the services that change that data bump the version, at once
and again at commit (a reader that read the old rows meanwhile cached them under the version
in between, which is then no longer current). What is cached also expires after `seconds`.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_PREFIX = "wuyedesk:version:"


def current(name: str) -> int:
    key = _PREFIX + name
    found = cache.get(key)
    if found is None:
        cache.add(key, time.time_ns(), timeout=None)
        found = cache.get(key)
    return found


def bump(*names: str) -> None:
    """New versions of `names` now, and again when the transaction commits."""

    def set_new():
        now = time.time_ns()
        cache.set_many({_PREFIX + name: now for name in names}, timeout=None)

    set_new()
    transaction.on_commit(set_new)


def cached(name: str, key: str, build, seconds: int):
    """`build()`, cached under the current version of `name` for at most `seconds`."""
    full = f"wuyedesk:cached:{name}:{current(name)}:{key}"
    found = cache.get(full)
    if found is None:
        found = build()
        cache.set(full, found, seconds)
    return found


def bump_on_change(name: str, *models) -> None:
    """Bump `name` whenever an instance of one of `models` is saved or deleted through the
    ORM. Writes that send no signal (`QuerySet.update`, `bulk_create`) call `bump` themselves;
    what is kept under the version also expires, which bounds what a missed write costs."""

    def on_change(sender, **kwargs):
        bump(name)

    for model in models:
        label = model._meta.label
        post_save.connect(on_change, sender=model, weak=False, dispatch_uid=f"{name}:save:{label}")
        post_delete.connect(on_change, sender=model, weak=False, dispatch_uid=f"{name}:del:{label}")
