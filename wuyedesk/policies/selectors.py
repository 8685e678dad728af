"""Reads of policy documents: lists, a version with what its page shows, the diff."""

import difflib
import re

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.html import strip_tags

from wuyedesk.accounts.access import is_staff_member
from wuyedesk.policies.choices import Severity
from wuyedesk.policies.models import PolicyDocument, PolicySettings, PolicyVersion
from wuyedesk.policies.services import regulation_fields
from wuyedesk.policies.services.versions import may_read

# What the homes keep from the policies (policies/homes.py) is kept under this
# version, bumped by every write to them (policies/receivers.py).
VERSION = "policies"


def documents_visible_to(user):
    """Every document, for staff (each shows what the reader may see of its versions)."""
    if not is_staff_member(user):
        return PolicyDocument.objects.none()
    return PolicyDocument.objects.select_related("owner_department").order_by("number")


def document_for(user, pk) -> PolicyDocument:
    return get_object_or_404(documents_visible_to(user), pk=pk)


def version_for(user, pk) -> PolicyVersion:
    """The version, if the user may read it (404 otherwise: drafts are not announced)."""
    version = get_object_or_404(
        PolicyVersion.objects.select_related(
            "document__owner_department", "settings", "approved_by__staff", "created_by__staff"
        ),
        pk=pk,
    )
    if not may_read(user, version):
        raise Http404
    return version


def shown(settings_row, name):
    """A setting's value as a person reads it (choice labels, severities by name)."""
    value = getattr(settings_row, name)
    if name == "complaint_notify_severities":
        labels = dict(Severity.choices)
        return "、".join(str(labels.get(v, v)) for v in value or [])
    field = PolicySettings._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return "" if value is None else str(value)


def settings_changes(old, new) -> list[dict]:
    """[{field, label, old, new}] of the settings that differ between two rows."""
    if old is None or new is None:
        return []
    changes = []
    for name in regulation_fields():
        if getattr(old, name) != getattr(new, name):
            changes.append(
                {
                    "field": name,
                    "label": str(PolicySettings._meta.get_field(name).verbose_name),
                    "old": shown(old, name),
                    "new": shown(new, name),
                }
            )
    return changes


def text_lines(html: str) -> list[str]:
    """A section's text, one line per paragraph or list item (what the diff compares)."""
    text = strip_tags(re.sub(r"</(p|li|h3|h4|tr|blockquote)>|<br\s*/?>", "\n", html or ""))
    return [line.strip() for line in text.splitlines() if line.strip()]


def diff(a: PolicyVersion, b: PolicyVersion) -> dict:
    """Section by section (paired by key) and the changed settings, from `a` to `b`."""
    old = {s.key: s for s in a.sections.all()}
    new = {s.key: s for s in b.sections.all()}
    keys = sorted(set(old) | set(new), key=lambda k: (new.get(k) or old.get(k)).position)
    sections = []
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before is None:
            state = "added"
        elif after is None:
            state = "removed"
        elif (before.heading, before.body, before.requirements) != (
            after.heading,
            after.body,
            after.requirements,
        ):
            state = "changed"
        else:
            state = "same"
        lines = []
        if state == "changed":
            lines = list(
                difflib.unified_diff(
                    text_lines(before.body),
                    text_lines(after.body),
                    lineterm="",
                    n=1,
                )
            )[2:]
        sections.append({"key": key, "state": state, "old": before, "new": after, "lines": lines})
    return {
        "a": a,
        "b": b,
        "sections": sections,
        "settings": settings_changes(a.settings, b.settings),
        "changed": sum(1 for s in sections if s["state"] != "same"),
    }
