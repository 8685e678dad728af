"""The homes' attendance figures equal the rows of the lists they open (MGT-1)."""

import datetime as dt
import html
import re

from django.utils import timezone

from wuyedesk.staffing import services

FIGURE = re.compile(r'href="([^"]+)" data-figure="([^"]+)" data-count="(\d+)"')
KEYS = {"my_attendance_exceptions", "attendance_exceptions", "roster_gaps", "attendance_requests"}


def test_attendance_figures_equal_their_lists(world, client, rostered):
    today = timezone.localdate()
    first = today.replace(day=1)
    if today > first:  # an absence earlier this month (a day without clock-in)
        rostered(world.specialist, first)
        services.correction_request(by=world.specialist, date=first, reason="忘记打卡")
    services.leave_request(
        by=world.specialist,
        kind="annual",
        start_date=today + dt.timedelta(days=3),
        end_date=today + dt.timedelta(days=3),
        reason="探亲",
    )
    for user, expected in (
        (world.manager, KEYS),
        (world.assistant, KEYS - {"attendance_requests"}),
        (world.specialist, {"my_attendance_exceptions"}),
    ):
        client.force_login(user)
        page = client.get("/").content.decode()
        found = {k: (html.unescape(u), int(n)) for u, k, n in FIGURE.findall(page) if k in KEYS}
        assert set(found) == expected, user
        for key, (url, n) in found.items():
            assert client.get(url).content.decode().count("data-row") == n, (key, url)
        if user == world.manager:
            assert found["attendance_requests"][1] == (2 if today > first else 1)
            assert found["roster_gaps"][1] > 0
        if user == world.specialist:
            assert found["my_attendance_exceptions"][1] == (1 if today > first else 0)


def test_the_figures_are_kept_until_the_attendance_data_changes(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuyedesk.web import attendance_home

    def requests_waiting():
        with CaptureQueriesContext(connection) as seen:
            found = {
                key: n for key, _label, n, _url, _alert in attendance_home.figures(world.manager)
            }
        return found["attendance_requests"], len(seen.captured_queries)

    first, _queries = requests_waiting()
    assert requests_waiting() == (first, 0)  # kept: nothing read again
    services.leave_request(
        by=world.specialist,
        kind="annual",
        start_date=timezone.localdate() + dt.timedelta(days=3),
        end_date=timezone.localdate() + dt.timedelta(days=3),
        reason="探亲",
    )
    waiting, queries = requests_waiting()
    assert waiting == first + 1 and queries > 0  # a new request: read again at once
