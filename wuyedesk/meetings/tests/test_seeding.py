"""The demo's meetings: the weekly series with approved minutes, the open action items carried
to the next sitting's agenda, a decision in the improvement plan, a half-read notice."""

import pytest
from django.core.management import call_command

from wuyedesk.meetings.models import Meeting, Notice
from wuyedesk.meetings.seeding import seed_demo
from wuyedesk.meetings.selectors import agenda_of, open_actions_of


@pytest.mark.django_db
def test_demo_meetings():
    from wuyedesk.accounts.models import User

    call_command("seed", communities=1, households=40, seed=3, tickets=30)
    specialist = User.objects.get(username="specialist")
    assert Meeting.objects.filter(minutes_status="approved").count() == 3
    upcoming = Meeting.objects.filter(minutes_status="").get()
    carried = [i for i in agenda_of(upcoming) if i.source == "action"]
    assert len(carried) == 2 == open_actions_of(specialist).count()
    assert Meeting.objects.filter(decisions__improvement__source="meeting").exists()
    notice = Notice.objects.get()
    read = notice.recipients.filter(read_at__isnull=False).count()
    assert 0 < read < notice.recipients.count()
    assert seed_demo(seed=3) == {}  # once only
