"""The demo: the supervisor in the group, a versioned checklist, a sampled plan and a closed
inspection whose rectification is in the specialist's improvement list."""

import pytest
from django.core.management import call_command

from wuyedesk.accounts.models import User
from wuyedesk.improvements.choices import Source
from wuyedesk.supervision import access, selectors
from wuyedesk.supervision.models import Checklist, Finding
from wuyedesk.supervision.seeding import seed_demo


@pytest.mark.django_db
def test_demo_supervision_group():
    call_command("seed", communities=2, households=160, seed=4, tickets=200)
    supervisor = User.objects.get(username="supervisor")
    assert access.is_inspector(supervisor)
    assert list(Checklist.objects.values_list("version", flat=True).order_by("version")) == [1, 2]
    finding = Finding.objects.get()
    assert finding.improvement.source == Source.INSPECTION
    assert finding.inspection.answer and finding.inspection.critical_fail
    assert selectors.home_counts(supervisor)["due"] >= 1
    assert seed_demo(seed=4) == {}  # once only
