"""A version of the company's reference data: communities, departments, categories, staff
(their accounts, posts and scopes), and the policy settings. Pages may keep what they build from
that data (a page's choice lists, a person's scope) under this version; any change to it
gives a new version, in every process that shares the cache (Redis when scaled out).

Saves and deletes through the ORM announce themselves (each app `watch`es its own models in
its receivers.py, core/appconfig.py); bulk writes that skip signals call `changed()`
themselves (the importer, the seed).
"""

import threading

from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from wuyedesk.core import versions

_NAME = "reference"
# The version a request read first holds for the rest of it (one cache read a request, and
# one consistent view of the reference data); outside requests every call reads it.
_request = threading.local()
# What this process built from the reference data: key → (version, value).
_memo: dict = {}


def version() -> int:
    held = getattr(_request, "version", None)
    if held is not None:
        return held
    current = versions.current(_NAME)
    if getattr(_request, "active", False):
        _request.version = current
    return current


def memo(key, build):
    """`build()`, held in this process until the reference data changes. For values nobody
    changes in place (frozensets, tuples): every caller gets the same object."""
    current = version()
    found = _memo.get(key)
    if found is not None and found[0] == current:
        return found[1]
    value = build()
    _memo[key] = (current, value)
    return value


def forget_all() -> None:
    """Drop what this process built (after a restore, core/backup.py)."""
    _memo.clear()
    _forget()


def _request_started(**_signal) -> None:
    _request.active = True
    _request.version = None


def _request_finished(**_signal) -> None:
    _request.active = False
    _request.version = None


def changed(**_signal) -> None:
    """A new version now (this process sees its own change at once) and again when the
    transaction commits: another process that read the old rows meanwhile may have cached
    them under the first new version."""
    versions.bump(_NAME)
    _forget()
    transaction.on_commit(_forget)


def _forget() -> None:
    """The request reads the version again."""
    _request.version = None


def _user_changed(update_fields=None, **signal) -> None:
    """A login writes only last_login: that changes nothing others keep."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    changed(**signal)


def connect() -> None:
    """The request's hold on one version (core/apps.py). The apps name their own reference
    data with `watch` in their receivers.py: accounts (staff, posts, scopes, users),
    properties (communities, departments, the company settings), policies, tickets
    (categories)."""
    request_started.connect(_request_started, dispatch_uid="reference-request-started")
    request_finished.connect(_request_finished, dispatch_uid="reference-request-finished")


def watch(*models) -> None:
    """Any save or delete of these models is a change of the reference data."""
    for model in models:
        uid = f"reference-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"{uid}-delete")


def watch_m2m(*throughs) -> None:
    """Any change of these many-to-many relations (a staff member's or department's
    communities) is a change of the reference data."""
    for through in throughs:
        m2m_changed.connect(changed, sender=through, dispatch_uid=f"reference-{through}")


def watch_users(model) -> None:
    """Lists show the names of staff users (ticket owners) from what each process keeps; a
    login, which writes only last_login, changes nothing."""
    post_save.connect(_user_changed, sender=model, dispatch_uid="reference-user-save")
    post_delete.connect(changed, sender=model, dispatch_uid="reference-user-delete")
