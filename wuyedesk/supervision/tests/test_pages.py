import re

import django.test
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wuyedesk.improvements.models import ImprovementItem
from wuyedesk.supervision.choices import Kind, PlanStatus
from wuyedesk.supervision.models import GroupMember, Inspection, Plan
from wuyedesk.supervision.services import calibration, inspections
from wuyedesk.supervision.tests.conftest import all_pass
from wuyedesk.web.tests.test_homes import figures, rows_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _inspection(world, ticket):
    return inspections.inspection_create(
        by=world.supervisor, kind=Kind.TICKET, person=world.specialist, ticket=ticket
    )


def test_the_manager_appoints_on_the_members_page_and_bad_input_keeps_the_form(world, client_as):
    client = client_as(world.manager)
    page = client.post("/supervision/members/", {"user": world.supervisor.pk, "remit": ""})
    assert page.status_code == 422
    assert not GroupMember.objects.exists()
    ok = client.post("/supervision/members/", {"user": world.supervisor.pk, "remit": "质量检查"})
    assert ok.status_code == 302 and GroupMember.objects.get().remit == "质量检查"
    assert (
        client_as(world.specialist)
        .post("/supervision/members/", {"user": world.supervisor.pk, "remit": "x"})
        .status_code
        == 403
    )


def test_a_checklist_revision_from_the_page_is_a_new_version(group, client_as):
    world = group
    client = client_as(world.manager)
    form = client.get(f"/supervision/checklists/new/?from={world.checklist.pk}")
    assert "G3 | 按时限跟进 | 30 | 1" in form.content.decode()
    bad = client.post(
        "/supervision/checklists/new/",
        {"post": "specialist", "title": "v2", "items": "G1 | 礼貌 | 0"},
    )
    assert bad.status_code == 422 and "第 1 项" in bad.content.decode()
    done = client.post(
        "/supervision/checklists/new/",
        {"post": "specialist", "title": "v2", "items": "G1 | 礼貌 | 50\nG2 | 记录 | 50 | 1 | 指引"},
    )
    assert done.status_code == 302
    assert "v2" in client.get(done["Location"]).content.decode()


def test_a_plan_from_the_page_samples_in_the_worker_with_its_progress(group, tickets, client_as):
    world = group
    client = client_as(world.supervisor)
    month = timezone.localdate().strftime("%Y-%m")
    bad = client.post(
        "/supervision/plans/", {"month": month, "tickets_per_person": 99, "calls_per_person": 0}
    )
    assert bad.status_code == 422 and not Plan.objects.exists()
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(
            "/supervision/plans/",
            {
                "month": month,
                "tickets_per_person": 5,
                "calls_per_person": 0,
                "seed": 11,
                "people": [world.specialist.pk],
            },
        )
    plan = Plan.objects.get()
    assert done.status_code == 302 and plan.status == PlanStatus.SAMPLED
    page = client.get(done["Location"]).content.decode()
    assert page.count("data-row") == 5 and 'data-state="sampled"' in page
    Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.SAMPLING, progress_done=3)
    poll = client.get(f"/supervision/plans/{plan.pk}/progress/").content.decode()
    assert "hx-trigger" in poll and "3 / 1" in poll


def test_scoring_closing_and_answering_on_the_pages(group, tickets, client_as):
    world = group
    inspection = _inspection(world, tickets[0])
    client = client_as(world.supervisor)
    items = list(world.checklist.items.all())
    data = {"comment": "整体良好"}
    for item in items:
        data[f"result_{item.pk}"] = "fail" if item.code == "G3" else "pass"
        data[f"comment_{item.pk}"] = "超时未跟进" if item.code == "G3" else ""
    data[f"points_{items[0].pk}"] = "99"  # over the item's weight: refused, form kept
    bad = client.post(f"/supervision/inspections/{inspection.pk}/score/", data)
    assert bad.status_code == 422 and "超时未跟进" in bad.content.decode()
    data[f"points_{items[0].pk}"] = ""
    assert client.post(f"/supervision/inspections/{inspection.pk}/score/", data).status_code == 302
    # The specialist cannot see it yet.
    specialist = client_as(world.specialist)
    assert specialist.get(f"/supervision/inspections/{inspection.pk}/").status_code == 404
    client = client_as(world.supervisor)
    closed = client.post(f"/supervision/inspections/{inspection.pk}/close/", {})
    assert closed.status_code == 302
    inspection.refresh_from_db()
    assert inspection.score == 0 and inspection.critical_fail
    item = ImprovementItem.objects.get()
    specialist = client_as(world.specialist)
    home = figures(specialist.get("/").content.decode())
    url, n = home["my_items"]
    assert n == 1 and rows_of(specialist, url) == 1
    page = specialist.get(f"/supervision/inspections/{inspection.pk}/").content.decode()
    assert "answer-form" in page and item.title in page
    empty = specialist.post(f"/supervision/inspections/{inspection.pk}/answer/", {"text": ""})
    assert empty.status_code == 422
    specialist.post(f"/supervision/inspections/{inspection.pk}/answer/", {"text": "已学习规范"})
    inspection.refresh_from_db()
    assert inspection.answer == "已学习规范"


def test_an_onsite_check_takes_photos_only(group, client_as):
    world = group
    inspection = inspections.inspection_create(
        by=world.supervisor, kind=Kind.ONSITE, person=world.specialist
    )
    client = client_as(world.supervisor)
    bad = client.post(
        f"/supervision/inspections/{inspection.pk}/photos/",
        {"file": SimpleUploadedFile("a.png", b"<html>", "image/png")},
    )
    assert bad.status_code == 422 and not inspection.photos.exists()
    ok = client.post(
        f"/supervision/inspections/{inspection.pk}/photos/",
        {"file": SimpleUploadedFile("工位.png", PNG, "image/png")},
    )
    assert ok.status_code == 302
    photo = inspection.photos.get()
    shown = client.get(f"/supervision/inspections/{inspection.pk}/photos/{photo.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"


def test_the_supervisors_home_counts_equal_its_lists(group, tickets, client_as):
    world = group
    for ticket in tickets[:3]:
        _inspection(world, ticket)
    subject = _inspection(world, tickets[3])
    Inspection.objects.filter(pk=subject.pk).update(plan=None)
    # A sampled item in calibration.
    from wuyedesk.supervision.services import sampling

    plan = sampling.plan_create(
        by=world.supervisor,
        month=timezone.localdate(),
        tickets_per_person=1,
        calls_per_person=0,
        people=[world.specialist],
        seed=5,
    )
    with django.test.TestCase.captureOnCommitCallbacks(execute=True):
        sampling.plan_request_sample(by=world.supervisor, plan=plan)
    calibration.calibration_create(
        by=world.supervisor, inspection=plan.inspections.get(), second=world.supervisor2
    )
    # An overdue rectification.
    closed = _inspection(world, tickets[4])
    inspections.score_save(
        by=world.supervisor, inspection=closed, scores=all_pass(closed, fail={"G1"})
    )
    inspections.inspection_close(by=world.supervisor, inspection=closed)
    ImprovementItem.objects.update(due=timezone.localdate() - timezone.timedelta(days=1))

    client = client_as(world.supervisor)
    found = figures(client.get("/").content.decode())
    expected = {"inspections_due": 5, "calibrations_open": 1, "rectifications_overdue": 1}
    for key, n in expected.items():
        url, shown = found[key]
        assert shown == n, key
        assert rows_of(client, url) == n, (key, url)
    overview = client.get("/supervision/").content.decode()
    assert re.search(r'data-key="count">1<', overview)


def test_the_supervisors_kept_counts_follow_the_groups_writes(group, tickets, client_as):
    """The supervisor's home keeps its counts (web/home.py `_counted`) under the supervision
    version, which every write to an inspection or a membership bumps: each shows on the
    next view, in this request's process and (through the shared cache) in any other."""
    world = group
    client = client_as(world.supervisor)

    def due():
        return figures(client.get("/").content.decode())["inspections_due"][1]

    before = due()
    _inspection(world, tickets[0])
    assert due() == before + 1
    from wuyedesk.supervision.services.group import member_end

    member_end(by=world.manager, member=GroupMember.objects.get(user=world.supervisor))
    assert due() == 0  # no longer an inspector: nothing is due from them


@pytest.mark.parametrize("post", ["specialist", "worker", "executive"])
def test_others_cannot_inspect_or_plan(group, client_as, post):
    world = group
    client = client_as(world.users[post])
    assert client.get("/supervision/inspections/new/").status_code == 403
    assert client.post("/supervision/plans/", {}).status_code == 403
    assert client.get("/supervision/").status_code == 200


def test_executives_see_the_figures_but_not_the_inspections(group, tickets, client_as):
    world = group
    inspection = _inspection(world, tickets[0])
    inspections.score_save(
        by=world.supervisor, inspection=inspection, scores=all_pass(inspection, fail={"G1"})
    )
    inspections.inspection_close(by=world.supervisor, inspection=inspection)
    client = client_as(world.executive)
    page = client.get("/supervision/").content.decode()
    assert re.search(r'data-key="count">1<', page)
    assert client.get(f"/supervision/inspections/{inspection.pk}/").status_code == 404
    assert "未按时跟进" not in page
