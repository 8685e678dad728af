"""#12 point 5: every figure honours the chosen scope, the previous period beside each
figure, the trend, "overdue now" apart, labels in the reader's language, the workbook within
the export right, the figures and a staff member's notifications through the API."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.utils import timezone, translation

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.notifications.models import Notification
from wuyedesk.reports import metrics
from wuyedesk.testing import assert_api_error
from wuyedesk.tickets.models import Ticket

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def day():
    return timezone.localdate()


def _overdue(ticket, owner):
    Ticket.objects.filter(pk=ticket.pk).update(
        owner=owner, next_due=timezone.now() - dt.timedelta(hours=1)
    )


def test_overdue_now_honours_the_chosen_staff_member(world, call, day):
    for _ in range(3):
        _overdue(call(), world.specialist)
    _overdue(call(), world.manager)
    everyone = metrics.dashboard(world.manager, metrics.Scope(start=day, end=day))
    one = metrics.dashboard(
        world.manager, metrics.Scope(start=day, end=day, owner_id=world.specialist.pk)
    )
    assert (everyone["overdue_now"], one["overdue_now"]) == (4, 3)
    # "Overdue now" is apart from the period: a period without tickets still shows them.
    earlier = metrics.Scope(
        start=day - dt.timedelta(days=40), end=day - dt.timedelta(days=35), owner_id=None
    )
    assert metrics.dashboard(world.manager, earlier)["overdue_now"] == 4


def test_overdue_drill_down_lists_the_same_tickets(world, call, client_as, day):
    for _ in range(2):
        _overdue(call(), world.specialist)
    _overdue(call(), world.manager)
    staff = world.specialist.staff.pk
    response = client_as(world.manager).get(
        "/reports/tickets/", {"owner": staff, "metric": "overdue"}
    )
    assert response.context["page"].paginator.count == 2


def test_department_scope_counts_dispatched_tickets_once(world, call, day):
    ticket = call()
    Ticket.objects.filter(pk=ticket.pk).update(department=world.engineering)
    call()
    data = metrics.dashboard(
        world.manager, metrics.Scope(start=day, end=day, department_id=world.engineering.pk)
    )
    assert data["total"] == 1


def test_default_period_is_the_last_30_days(world, client_as, day):
    response = client_as(world.manager).get("/reports/")
    data = response.context["data"]
    assert data["period"] == {
        "start": (day - dt.timedelta(days=29)).isoformat(),
        "end": day.isoformat(),
    }
    assert data["previous_period"]["end"] == (day - dt.timedelta(days=30)).isoformat()
    assert data["trend_by"] == "day" and len(data["trend"]) == 30


def test_previous_period_beside_each_figure(world, call, day):
    call(answer="答复")
    before = call()
    Ticket.objects.filter(pk=before.pk).update(contact_at=timezone.now() - dt.timedelta(days=1))
    data = metrics.dashboard(world.manager, metrics.Scope(start=day, end=day))
    assert (data["total"], data["previous_total"]) == (1, 1)
    first = {r["name"]: r for r in data["rates"]}["first_contact"]
    assert (first["percent"], first["previous_percent"]) == (100.0, 0.0)
    assert {k["key"]: k["previous"] for k in data["by_kind"]}["inquiry"] == 1


def test_trend_by_day_and_by_week_sums_to_the_total(world, call, day):
    call()
    call(kind="complaint")
    old = call()
    Ticket.objects.filter(pk=old.pk).update(contact_at=timezone.now() - dt.timedelta(days=10))
    start = day - dt.timedelta(days=20)
    daily = metrics.dashboard(world.manager, metrics.Scope(start=start, end=day))
    assert len(daily["trend"]) == 21
    assert sum(t["n"] for t in daily["trend"]) == daily["total"] == 3
    assert daily["trend"][-1]["by_kind"]["complaint"] == 1
    weekly = metrics.dashboard(world.manager, metrics.Scope(start=start, end=day, trend="week"))
    assert weekly["trend_by"] == "week"
    assert sum(t["n"] for t in weekly["trend"]) == 3
    assert weekly["trend"][0]["start"] == start.isoformat()
    assert all(dt.date.fromisoformat(t["start"]).weekday() == 0 for t in weekly["trend"][1:])


def test_labels_follow_the_language(world, call, day):
    call()
    with translation.override("en"):
        data = metrics.dashboard(world.manager, metrics.Scope(start=day, end=day))
    labels = [
        *(r["label"] for r in data["rates"]),
        *(k["label"] for k in data["by_kind"]),
        *(s["label"] for s in data["by_status"]),
        *(c["label"] for c in data["categories"]),
        *(s["label"] for s in data["satisfaction"]),
        *data["kind_labels"].values(),
    ]
    assert labels and not [label for label in labels if CJK.search(label)]


def test_english_page_has_no_chinese_chart_labels(world, call, client_as):
    call()
    client = client_as(world.manager)
    world.manager.language = "en"
    world.manager.save(update_fields=["language"])
    page = client.get("/reports/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chart_data = page.split('id="dashboard-data"', 1)[1].split("</script>", 1)[0]
    assert not CJK.search(chart_data.encode().decode("unicode_escape"))


def test_workbook_within_the_export_right(world, call, client_as, day):
    call()
    response = client_as(world.manager).get("/reports/dashboard.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    assert ["指标", "工单总数", 1, 0] in cells
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="reports.dashboard")
    assert entry.actor == world.manager
    # The supervisor reads the dashboard but may not export (the company's export posts).
    client = client_as(world.supervisor)
    assert client.get("/reports/").status_code == 200
    assert 'id="dashboard-export"' not in client.get("/reports/").content.decode()
    assert client.get("/reports/dashboard.xlsx").status_code == 403


def test_dashboard_api(world, call, api_as, day):
    call()
    api = api_as(world.manager)
    body = api.get("/api/v1/reports/dashboard").json()
    assert body["total"] == 1 and body["period"]["end"] == day.isoformat()
    assert len(body["trend"]) == 30
    one = api.get("/api/v1/reports/dashboard", owner=world.manager.staff.pk, trend="week").json()
    assert one["total"] == 0 and one["trend_by"] == "week"
    assert api.get("/api/v1/reports/dashboard.xlsx").status_code == 200


def test_dashboard_api_refuses_bad_input_and_out_of_scope(world, api_as):
    api = api_as(world.manager)
    assert_api_error(
        api.get("/api/v1/reports/dashboard", start="2026-05-02", end="2026-05-01"),
        422,
        "invalid",
        "end",
    )
    assert_api_error(
        api.get("/api/v1/reports/dashboard", start="yesterday"), 422, "invalid", "start"
    )
    # Community B is outside the manager's scope: not a choice.
    assert_api_error(
        api.get("/api/v1/reports/dashboard", community=world.b.pk),
        422,
        "invalid_choice",
        "community",
    )
    assert_api_error(
        api_as(world.specialist).get("/api/v1/reports/dashboard"), 403, "permission_denied"
    )
    assert_api_error(
        api_as(world.supervisor).get("/api/v1/reports/dashboard.xlsx"), 403, "permission_denied"
    )


def test_staff_notifications_through_the_api(world, api_as):
    mine = Notification.objects.create(user=world.specialist, kind="x", text="给专员")
    Notification.objects.create(user=world.manager, kind="x", text="给经理")
    api = api_as(world.specialist)
    items = api.get("/api/v1/notifications/mine").json()["items"]
    assert [i["text"] for i in items] == ["给专员"]
    assert api.get("/api/v1/notifications/mine", unread=True).json()["items"]
    response = api.post("/api/v1/notifications/mine/read", {"ids": [mine.pk]})
    assert response.json() == {"marked": 1, "unread": 0}
    assert api.get("/api/v1/notifications/mine", unread=True).json()["items"] == []
    # Another's notices stay unread whatever ids are sent.
    other = Notification.objects.get(user=world.manager)
    assert api.post("/api/v1/notifications/mine/read", {"ids": [other.pk]}).json()["marked"] == 0
