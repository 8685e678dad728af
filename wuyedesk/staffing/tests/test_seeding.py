"""The demo: the department's roster with its attendance, a leave and a correction."""

import pytest
from django.core.management import call_command

from wuyedesk.staffing.models import ClockRecord, CorrectionRequest, LeaveRequest, RosterEntry


@pytest.mark.django_db
def test_demo_rosters_and_attendance(client_as):
    from wuyedesk.staffing.seeding import seed_demo

    call_command("seed", communities=2, households=60, seed=4, tickets=50)
    assert RosterEntry.objects.count() > 20 and ClockRecord.objects.count() > 10
    assert LeaveRequest.objects.get().status == "approved"
    correction = CorrectionRequest.objects.get()
    assert correction.status == "submitted"
    assert seed_demo(seed=4) == {}  # once only
    from wuyedesk.accounts.models import User

    manager = User.objects.filter(staff__posts__post="manager").order_by("staff__employee_no")[0]
    page = client_as(manager).get("/staffing/requests/").content.decode()
    assert "门禁故障" in page
