"""A version of the company's reference data: communities, departments, categories, staff
and their posts and scopes, and the policy settings. Pages may keep what they build from
that data (a page's choice lists, a person's scope) under this version; any change to it
gives a new version, in every process that shares the cache (Redis when scaled out).

Saves and deletes through the ORM announce themselves (see `connect`); bulk writes that
skip signals call `changed()` themselves (the importer, the seed).
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

_KEY = "wuyedesk:reference-version"


def version() -> int:
    current = cache.get(_KEY)
    if current is None:
        cache.add(_KEY, time.time_ns(), timeout=None)
        current = cache.get(_KEY)
    return current


def changed(**_signal) -> None:
    """A new version now (this process sees its own change at once) and again when the
    transaction commits: another process that read the old rows meanwhile may have kept
    them under the first new version."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    cache.set(_KEY, time.time_ns(), timeout=None)


def connect() -> None:
    from wuyedesk.accounts.models import Staff, StaffPost
    from wuyedesk.policies.models import PolicySettings
    from wuyedesk.properties.models import Community, Department
    from wuyedesk.tickets.models import Category

    for model in (Community, Department, Category, Staff, StaffPost, PolicySettings):
        uid = f"reference-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Staff.communities.through, Department.communities.through):
        m2m_changed.connect(changed, sender=through, dispatch_uid=f"reference-{through}")
