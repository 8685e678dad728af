import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.tickets.tests.conftest import call, categories  # noqa: F401  (shared fixtures)


@pytest.fixture
def weekly(world):
    """The customer-service department's weekly meeting of community A."""
    from wuyedesk.meetings.services import series_create

    return series_create(
        by=world.manager,
        title="客服部周例会",
        weekday=0,
        start_time=dt.time(9, 0),
        duration_minutes=60,
        attendees=[world.manager, world.assistant, world.specialist],
        community=world.a,
        location="三楼会议室",
    )


@pytest.fixture
def sitting(world, weekly):
    """sitting(days=…) -> a meeting of the weekly series, `days` from now."""
    from wuyedesk.meetings.services import meeting_create

    def make(days=0, hours=0):
        starts_at = timezone.now() + dt.timedelta(days=days, hours=hours)
        return meeting_create(
            by=world.manager,
            title=f"周例会 {starts_at:%m-%d}",
            starts_at=starts_at,
            duration_minutes=60,
            attendees=[world.manager, world.assistant, world.specialist],
            community=world.a,
            series=weekly,
        )

    return make


@pytest.fixture
def approved(world):
    """approved(meeting, actions=[(title, owner)], decisions=[…]) -> the meeting, with
    minutes drafted by the assistant and approved by the manager."""
    from wuyedesk.meetings import services

    def approve(meeting, actions=(), decisions=("加强夜间巡查",)):
        services.minutes_save(
            by=world.assistant,
            meeting=meeting,
            discussion="讨论了投诉处理情况",
            decisions=decisions,
        )
        for title, owner in actions:
            services.action_add(
                by=world.assistant,
                meeting=meeting,
                title=title,
                owner=owner,
                due=timezone.localdate() + dt.timedelta(days=5),
            )
        services.minutes_submit(by=world.assistant, meeting=meeting)
        services.minutes_approve(by=world.manager, meeting=meeting)
        meeting.refresh_from_db()
        return meeting

    return approve
