"""The numbers the regulation sets (POL-3): the settings section of the customer-service
regulation's versions.

Each version of the regulation (the one PolicyDocument that `carries_settings`) has its own
PolicySettings row. Once an executive approved it and its effective time came, that row is
what `policy()` returns; `policy_at(when)` answers with the row in force at any moment, for
callers that compute with the settings of an event's time. Settings change only through a
new approved version (services/versions.py); nothing here writes a settings row except the
first version of a database that has none (`_bootstrap`).
"""

import bisect
import copy
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from wuyedesk.accounts.choices import Post
from wuyedesk.core import reference
from wuyedesk.policies.choices import DECIDED_STATES, VersionStatus
from wuyedesk.policies.models import PolicyDocument, PolicySettings, PolicyStep, PolicyVersion

# Fields of PolicySettings that are bookkeeping, not numbers of the regulation.
BOOKKEEPING = frozenset({"id", "created_at", "created_by", "note"})
# Who reads the settings in force and their history (the manager proposes changes).
SETTINGS_READERS = (Post.MANAGER, Post.ADMIN, Post.EXECUTIVE)
# The regulation's number and title when a database has no regulation yet.
REGULATION_NUMBER = "KF-ZD-001"
REGULATION_TITLE = "客户服务管理制度"


def regulation_fields() -> list[str]:
    """Every regulation field of PolicySettings, in the model's order: each concrete field
    except the bookkeeping ones. A field added to the model appears on every page, form
    and API answer without a change here."""
    return [f.name for f in PolicySettings._meta.concrete_fields if f.name not in BOOKKEEPING]


EDITABLE = regulation_fields()


def policy() -> PolicySettings:
    """The settings in force: the one function every deadline is computed through.

    Every ticket created or shown needs them: each process keeps the regulation's timeline
    (the approved versions and their effective times) until the reference data changes,
    which a new version or a switch does (core/reference.py), and picks the version whose
    effective time has come: an approved version applies from its effective time even
    before the worker marks it in force. Each caller gets its own copy (a form may write
    into it)."""
    return policy_at(timezone.now())


def policy_at(when: dt.datetime) -> PolicySettings:
    """The settings of the version in force at `when` (the first version for a moment before
    it: the settings as they were when the system started)."""
    starts, rows = reference.memo("policy-timeline", _timeline)
    index = bisect.bisect_right(starts, when) - 1
    return copy.copy(rows[max(index, 0)])


def _timeline() -> tuple[tuple, tuple]:
    """(effective times, settings rows) of the regulation's approved versions, in order."""
    versions = list(
        PolicyVersion.objects.filter(
            document__carries_settings=True,
            status__in=DECIDED_STATES,
            effective_at__isnull=False,
            settings__isnull=False,
        )
        .select_related("settings")
        .order_by("effective_at", "number")
    )
    if not versions:
        versions = [_bootstrap()]
    return tuple(v.effective_at for v in versions), tuple(v.settings for v in versions)


def regulation() -> PolicyDocument:
    """The document whose versions carry the settings (created with version 1 when missing)."""
    found = PolicyDocument.objects.filter(carries_settings=True).first()
    if found is None:
        found = _bootstrap().document
    return found


def _bootstrap() -> PolicyVersion:
    """A database without a regulation (a new install, a test): version 1 with the default
    settings, in force from now. The demo seed writes the regulation's text into it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            document, _created = PolicyDocument.objects.get_or_create(
                carries_settings=True,
                defaults={"number": REGULATION_NUMBER, "title": REGULATION_TITLE},
            )
            current = document.versions.filter(status=VersionStatus.IN_FORCE).first()
            if current is not None and current.settings_id:
                return current
            number = document.versions.order_by("-number").values_list("number", flat=True)[:1]
            version = PolicyVersion.objects.create(
                document=document,
                number=(number[0] if number else 0) + 1,
                status=VersionStatus.IN_FORCE,
                settings=PolicySettings.objects.create(note="default"),
                effective_at=now,
                in_force_at=now,
                approved_at=now,
            )
            PolicyStep.objects.create(
                version=version, at=now, to_status=VersionStatus.IN_FORCE, comment="default"
            )
            return version
    except IntegrityError:  # another process made it meanwhile
        return PolicyVersion.objects.select_related("document", "settings").get(
            document__carries_settings=True, status=VersionStatus.IN_FORCE
        )


def settings_versions():
    """The regulation's versions that set the settings, oldest first."""
    return (
        PolicyVersion.objects.filter(
            document__carries_settings=True,
            status__in=DECIDED_STATES,
            effective_at__isnull=False,
            settings__isnull=False,
        )
        .select_related("settings", "approved_by__staff")
        .order_by("effective_at", "number")
    )


def value_origins(versions=None) -> dict:
    """{field: version} — for each setting, the version that set the value in force now
    (the earliest version of the unbroken run of versions with that value)."""
    versions = [
        v
        for v in (versions if versions is not None else settings_versions())
        if v.effective_at <= timezone.now()
    ]
    origins = {}
    if not versions:
        return origins
    current = versions[-1].settings
    for name in regulation_fields():
        value = getattr(current, name)
        origin = versions[-1]
        for version in reversed(versions[:-1]):
            if getattr(version.settings, name) != value:
                break
            origin = version
        origins[name] = origin
    return origins
