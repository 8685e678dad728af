"""The appraisal's pages: the records behind each score with their links, the formulas,
the forms keeping what was typed, out-of-scope users, and a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuyedesk.appraisal.choices import Component
from wuyedesk.appraisal.models import Appraisal, Item
from wuyedesk.appraisal.selectors import REFS_INLINE
from wuyedesk.appraisal.services import workflow
from wuyedesk.appraisal.tests.conftest import open_cycle

pytestmark = pytest.mark.django_db


def _published(world):
    cycle = open_cycle(world.manager, previous=True)
    a = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="礼貌用语偶有疏漏")
    workflow.publish(by=world.manager, appraisal=a)
    return a


def test_the_person_sees_every_record_with_its_link_and_the_formulas(records, client_as):
    world = records
    a = _published(world)
    page = client_as(world.specialist).get(f"/appraisal/{a.pk}/").content.decode()
    assert 'id="appraisal-total">72.3<' in page
    assert "Σ(各项权重 × 该项得分)" in page
    for ticket in world.tickets:
        assert f'href="/tickets/{ticket.pk}/"' in page
    assert f'href="/tickets/{world.other_ticket.pk}/"' in page  # the rating contested
    month = a.items.filter(component=Component.ATTENDANCE).first().label
    assert f'href="/staffing/people/{world.specialist.pk}/?month={month}"' in page
    inspection = a.items.filter(component=Component.CONDUCT).get()
    assert f'href="/supervision/inspections/{inspection.ref_id}/"' in page
    # Each record that counts under 100 can be contested on its own; those in the person's
    # favour (the tickets that met their deadlines…) are listed with their links only.
    items = list(a.items.all())
    assert page.count('data-dispute="') == sum(1 for i in items if not i.refs)
    assert page.count('data-dispute-ref="') == sum(
        i.count for i in items if i.refs and i.value < 100
    )
    assert page.count('data-dispute-ref="') == 3  # a missed deadline, two inquiries not resolved
    assert "礼貌用语偶有疏漏" in page


def test_opening_an_appraisal_takes_a_constant_number_of_queries(records, client_as):
    world = records
    a = _published(world)
    client = client_as(world.specialist)
    client.get(f"/appraisal/{a.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/appraisal/{a.pk}/")
    # Many more records behind the scores: the same number of queries.
    base = a.items.filter(component=Component.DEADLINE).first()
    Item.objects.bulk_create(
        [
            Item(
                appraisal=a,
                criterion=base.criterion,
                component=base.component,
                ref_id=base.ref_id,
                label=f"T{n}",
                value=100,
            )
            for n in range(300)
        ]
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/appraisal/{a.pk}/")
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_row_of_many_records_lists_them_on_demand(records, client_as):
    """A person's quarter has thousands of tickets that met their deadlines: past
    REFS_INLINE, the row's records come when it is opened (htmx), or on a page of their own
    without JavaScript, with the same links and contest links; nobody else sees them."""
    world = records
    a = _published(world)
    row = a.items.get(component=Component.FIRST_CONTACT, value=0)
    n = REFS_INLINE + 5
    row.refs = [[world.tickets[0].pk + k, f"N{k:04d}"] for k in range(n)]
    row.count = n
    row.save(update_fields=["refs", "count"])
    me = client_as(world.specialist)
    page = me.get(f"/appraisal/{a.pk}/").content.decode()
    url = f"/appraisal/{a.pk}/records/{row.pk}/"
    assert f'hx-get="{url}"' in page and f'href="{url}"' in page
    assert "N0001" not in page
    fragment = me.get(url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "<html" not in text and text.count("data-dispute-ref=") == n
    assert f'href="/appraisal/{a.pk}/?item={row.pk}&amp;ref={row.refs[3][0]}#dispute-form"' in text
    whole = me.get(url).content.decode()
    assert "<html" in whole and whole.count("data-dispute-ref=") == n
    # The manager sees the records but contests nothing; the others see nothing.
    text = client_as(world.manager).get(url).content.decode()
    assert "N0003" in text and "data-dispute-ref=" not in text
    for user in (world.specialist_b, world.admin, world.worker):
        assert client_as(user).get(url).status_code == 404
    other = Appraisal.objects.exclude(pk=a.pk).filter(cycle=a.cycle).first()
    assert (
        client_as(world.manager).get(f"/appraisal/{other.pk}/records/{row.pk}/").status_code == 404
    )
    # Before publication the person sees no record.
    workflow.reopen(by=world.manager, appraisal=a, reason="复核")
    assert client_as(world.specialist).get(url).status_code == 403


def test_hidden_until_published_and_out_of_scope(records, client_as):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    page = client_as(world.specialist).get(f"/appraisal/{a.pk}/").content.decode()
    assert 'id="appraisal-hidden"' in page and "appraisal-total" not in page
    assert f'href="/tickets/{world.tickets[0].pk}/"' not in page and "data-item=" not in page
    for user in (world.specialist_b, world.admin, world.worker):
        assert client_as(user).get(f"/appraisal/{a.pk}/").status_code == 404
    assert client_as(world.specialist).get(f"/appraisal/cycles/{cycle.pk}/").status_code == 404
    assert (
        client_as(world.specialist)
        .post("/appraisal/cycles/open/", {"year": cycle.year, "quarter": cycle.quarter})
        .status_code
        == 403
    )


def test_bad_input_keeps_the_form_filled_and_changes_nothing(records, client_as):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    response = client_as(world.manager).post(
        f"/appraisal/{a.pk}/review/", {"rating": "170", "reason": "态度良好", "comment": "继续保持"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "态度良好" in page and "继续保持" in page and "is-invalid" in page
    a.refresh_from_db()
    assert a.manager_rating is None
    response = client_as(world.manager).post(
        "/appraisal/cycles/open/", {"year": cycle.year, "quarter": cycle.quarter}
    )
    assert response.status_code == 422
    assert "该季度的考核已经开启。" in response.content.decode()


def test_the_contest_on_the_pages(records, client_as):
    world = records
    a = _published(world)
    wrong = a.items.get(component=Component.RATING, ref_id=world.other_ticket.pk)
    me = client_as(world.specialist)
    page = me.get(f"/appraisal/{a.pk}/?item={wrong.pk}").content.decode()
    assert 'id="dispute-item"' in page
    response = me.post(f"/appraisal/{a.pk}/disputes/", {"item": wrong.pk, "comment": ""})
    assert response.status_code == 422
    me.post(f"/appraisal/{a.pk}/disputes/", {"item": wrong.pk, "comment": "不是我的工单"})
    dispute = a.disputes.get()
    manager = client_as(world.manager)
    assert "不是我的工单" in manager.get("/appraisal/disputes/").content.decode()
    response = manager.post(
        f"/appraisal/disputes/{dispute.pk}/answer/", {"decision": "accepted", "answer": "误归属"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert str(a.total) == "75.3"
    page = client_as(world.specialist).get(f"/appraisal/{a.pk}/").content.decode()
    assert "误归属" in page and "72.3" in page and "75.3" in page


def _figure(page, key):
    import re

    found = re.search(rf'href="([^"]+)" data-figure="{key}" data-count="(\d+)"', page)
    return found.group(1).replace("&amp;", "&"), int(found.group(2))


def test_home_figures_count_the_lists_they_open(records, client_as):
    world = records
    cycle = open_cycle(world.manager, previous=True)
    a = Appraisal.objects.get(cycle=cycle, person=world.specialist)
    manager = client_as(world.manager)
    url, n = _figure(manager.get("/").content.decode(), "appraisal_waiting")
    assert (
        n
        == cycle.appraisals.filter(department=world.specialist.staff.department)
        .exclude(person=world.manager)
        .count()
        > 0
    )
    assert manager.get(url).content.decode().count("<tr data-row><td>" + cycle.__str__()) == n
    workflow.review(by=world.manager, appraisal=a, rating=70, reason="x")
    workflow.publish(by=world.manager, appraisal=a)
    workflow.dispute_open(by=world.specialist, appraisal=a, item=None, comment="整体申诉")
    url, n = _figure(manager.get("/").content.decode(), "appraisal_disputes")
    assert n == 1 and manager.get(url).content.decode().count("整体申诉") == 1
    me = client_as(world.specialist)
    url, n = _figure(me.get("/").content.decode(), "appraisal_published")
    assert n == 1
    assert me.get(url).content.decode().count(f'href="/appraisal/{a.pk}/"') >= 1


def _ids(page) -> list[str]:
    import re

    return re.findall(r'\sid="([^"]+)"', page)


def _dispute_row(page, dispute) -> str:
    start = page.index(f'data-dispute-row="{dispute.pk}"')
    return page[start : page.index("</tr>", start)]


def test_each_open_dispute_has_an_answer_form_of_its_own(records, client_as):
    """Two open disputes: their answer forms repeat no id (each label points at its own
    field); a bad answer to the second keeps its text and shows its error on that row."""
    world = records
    a = _published(world)
    wrong = a.items.get(component=Component.RATING, ref_id=world.other_ticket.pk)
    conduct = a.items.get(component=Component.CONDUCT)
    first = workflow.dispute_open(
        by=world.specialist, appraisal=a, item=wrong, comment="不是我的工单"
    )
    second = workflow.dispute_open(
        by=world.specialist, appraisal=a, item=conduct, comment="检查当天我在外培训"
    )
    manager = client_as(world.manager)
    page = manager.get(f"/appraisal/{a.pk}/").content.decode()
    ids = _ids(page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for dispute in (first, second):
        row = _dispute_row(page, dispute)
        for name in ("decision", "answer", "adjusted"):
            assert f'for="id_dispute{dispute.pk}_{name}"' in row
            assert f'id="id_dispute{dispute.pk}_{name}"' in row
            assert f'name="{name}"' in row  # what the answer's POST binds

    response = manager.post(
        f"/appraisal/disputes/{second.pk}/answer/",
        {"decision": "partly", "answer": "部分属实,酌情调整", "adjusted": ""},
    )
    assert response.status_code == 422
    page = response.content.decode()
    ids = _ids(page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    row, other = _dispute_row(page, second), _dispute_row(page, first)
    assert "部分属实,酌情调整" in row and "部分属实" not in other
    assert f'id="id_dispute{second.pk}_adjusted_help"' in row
    assert "请填写调整后的分值(-100 到 100)。" in row and "is-invalid" in row
    assert "is-invalid" not in other and '<option value="partly" selected>' not in other
    second.refresh_from_db()
    assert second.status == "open"
    # The good answer through the same form.
    response = manager.post(
        f"/appraisal/disputes/{second.pk}/answer/",
        {"decision": "partly", "answer": "部分属实,酌情调整", "adjusted": "95"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, str(second.adjusted)) == ("partly", "95.0")
