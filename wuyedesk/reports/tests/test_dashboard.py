"""Dashboard figures equal hand-counted values, and each links to the tickets behind it."""

import datetime as dt

import pytest
from django.utils import timezone

from wuyedesk.reports import metrics
from wuyedesk.tickets import services


def one_measure(world):
    """The corrective measure a decision needs (CMP-3, the regulation's default)."""
    return {"what": "整改", "department": world.engineering, "due": dt.date(2030, 1, 1)}


@pytest.fixture
def day():
    return timezone.localdate()


@pytest.fixture
def mix(world, call, categories):
    """Three inquiries (one answered at first contact, one followed up in time, one not), and
    one complaint decided, fed back and return-visited (satisfied)."""
    call(answer="答复")
    followed = call()
    services.ticket_follow_up(by=world.specialist, ticket=followed, channel="phone", text="ok")
    call()
    complaint = call(kind="complaint", category=categories["ATTITUDE"])
    services.ticket_decide(
        by=world.manager, ticket=complaint, decision="d", measures=[one_measure(world)]
    )
    services.ticket_feedback(by=world.specialist, ticket=complaint, channel="phone", text="f")
    services.ticket_return_visit(
        by=world.specialist,
        ticket=complaint,
        channel="phone",
        reached=True,
        satisfaction="satisfied",
    )
    call(
        kind="inquiry", room=world.rooms_b[0], resident=world.resident_b, by=world.specialist_b
    )  # community B: outside the manager's scope
    return complaint


def rates(data):
    return {r["name"]: (r["numerator"], r["denominator"], r["percent"]) for r in data["rates"]}


def test_figures_match_hand_counts(world, mix, day):
    data = metrics.dashboard(world.manager, metrics.Scope(start=day, end=day))
    assert data["total"] == 4
    assert {k["key"]: k["n"] for k in data["by_kind"]} == {
        "inquiry": 3,
        "complaint": 1,
        "repair": 0,
        "suggestion": 0,
    }
    assert rates(data) == {
        "first_contact": (1, 3, 33.3),
        "follow_up_on_time": (2, 3, 66.7),
        "investigation_on_time": (1, 1, 100.0),
        "return_visit": (1, 1, 100.0),
        "satisfied": (1, 1, 100.0),
        "rated_well": (0, 0, None),
        "recorded_late": (0, 4, 0.0),  # every contact recorded at once (CMP-1)
    }
    assert data["overdue_now"] == 0


def test_dashboard_page_and_drill_down(world, mix, client_as, day):
    client = client_as(world.manager)
    page = client.get("/reports/").content.decode()
    assert "首问解决率" in page and "33.3%" in page
    response = client.get(
        "/reports/tickets/",
        {"start": day, "end": day, "metric": "first_contact", "part": "numerator"},
    )
    assert response.context["page"].paginator.count == 1


def test_specialist_cannot_open_reports(world, client_as):
    assert client_as(world.specialist).get("/reports/").status_code == 403


def test_bad_period_is_reported(world, client_as):
    response = client_as(world.manager).get(
        "/reports/", {"start": "2026-05-02", "end": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_period_excludes_other_days(world, mix, day):
    data = metrics.dashboard(
        world.manager,
        metrics.Scope(start=day - dt.timedelta(days=9), end=day - dt.timedelta(days=1)),
    )
    assert data["total"] == 0
