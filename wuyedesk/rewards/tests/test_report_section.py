"""The work report's rewards-and-penalties section (workplans.drafting): the period's
records in effect, by kind, counts only (no names), of the report's community."""

import json

from django.urls import reverse
from django.utils import timezone

from wuyedesk.rewards import services
from wuyedesk.testing import make_staff
from wuyedesk.workplans import drafting
from wuyedesk.workplans.services import reports as report_services


def test_report_counts_the_periods_rewards_and_penalties_by_kind(
    world, propose, client_as, django_capture_on_commit_callbacks
):
    for kind in ("warning", "commendation", "warning"):
        services.measure_approve(by=world.manager, measure=propose(kind))
    services.measure_approve(by=world.manager, measure=propose("merit"))
    revoked = propose("demerit")
    services.measure_approve(by=world.manager, measure=revoked)
    services.measure_appeal(by=world.specialist, measure=revoked, reason="有误")
    services.measure_decide_appeal(by=world.manager, measure=revoked, accept=True, remarks="属实")
    propose("demotion")  # proposed only: not in effect
    other = make_staff("manager-b", ["manager"], [world.b], None, "B经理")
    services.measure_approve(
        by=other, measure=propose("warning", staff=world.specialist_b.staff, by=other)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(
            by=world.assistant, cadence="monthly", day=timezone.localdate(), community=world.a
        )
    report.refresh_from_db()
    assert report.draft_steps == len(drafting.STEPS)
    section = report.figures["rewards"]
    counts = {row["key"]: row["n"] for row in section["by_kind"]}
    assert counts == {
        "commendation": 1,
        "merit": 1,
        "bonus": 0,
        "promotion": 0,
        "warning": 2,  # B's warning is of another community
        "demerit": 0,  # revoked on appeal
        "demotion": 0,  # not approved yet
        "dismissal": 0,
    }
    assert (section["rewards"], section["penalties"]) == (2, 2)
    assert "刘专员" not in json.dumps(section, ensure_ascii=False)
    page = client_as(world.assistant).get(reverse("workreport_detail", args=[report.pk]))
    assert 'data-figure="rewards_warning">2<' in page.content.decode()
