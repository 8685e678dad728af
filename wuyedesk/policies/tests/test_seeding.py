"""The demo company's first document is the customer-service regulation, in force (#14)."""

import re

import pytest
from django.core.management import call_command

from wuyedesk.policies.choices import VersionStatus
from wuyedesk.policies.models import PolicyDocument
from wuyedesk.policies.seeding import SECTIONS
from wuyedesk.policies.services import policy

REQUIREMENT = re.compile(r"^[A-Z]{2,5}-\d+$")


@pytest.mark.django_db
def test_seed_writes_the_regulation_in_force_with_its_settings():
    call_command("seed", communities=1, households=20, seed=2)
    document = PolicyDocument.objects.get()
    assert document.carries_settings and document.owner_department.code == "KF"
    version = document.versions.get()
    assert version.status == VersionStatus.IN_FORCE and version.settings_id == policy().pk
    sections = list(version.sections.all())
    assert len(sections) == len(SECTIONS)
    assert all(
        s.requirements and all(REQUIREMENT.match(r) for r in s.requirements) for s in sections
    )
    mapped = {r for s in sections for r in s.requirements}
    assert {"INQ-4", "CMP-1", "CMP-3", "POL-1", "POL-2", "POL-3"} <= mapped
    assert document.next_review_on is not None
