"""Improvement items (SUR-3, MGR-3): create, progress, verify, scope, the complaint hook and
the one source of truth for a measure's done/verified state."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from wuyedesk.improvements import selectors, services
from wuyedesk.improvements.models import ImprovementItem
from wuyedesk.tickets.services import measure_mark


def fresh(user, item):
    return selectors.item_get_for_user(user, item.pk)


def test_create_writes_the_first_progress_row_and_notifies_the_owner(
    world, item, django_capture_on_commit_callbacks
):
    assert item.status == "open"
    assert [u.text for u in selectors.updates_of(item)] == ["创建改进事项"]
    from wuyedesk.notifications.models import Notification

    assert Notification.objects.filter(user=world.worker, kind="improvement").exists() is False
    # notifications leave after the commit
    with django_capture_on_commit_callbacks(execute=True):
        services.item_create(
            by=world.assistant,
            title="会议决定:前台礼仪",
            source="meeting",
            department=world.engineering,
            community=world.a,
            owner=world.worker,
            measures="每周抽查",
            due=timezone.localdate() + dt.timedelta(days=5),
        )
    assert Notification.objects.filter(user=world.worker, kind="improvement").exists()


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"due": dt.date(2020, 1, 1)}, "due", "past"),
        ({"title": " "}, "title", "required"),
        ({"measures": ""}, "measures", "required"),
        ({"department": None}, "department", "required"),
        ({"source": "complaint"}, "source", "invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, soon, change, field, code):
    data = {
        "title": "t",
        "source": "inspection",
        "department": world.engineering,
        "community": world.a,
        "measures": "m",
        "due": soon,
    }
    data.update(change)
    with pytest.raises(ValidationError) as raised:
        services.item_create(by=world.manager, **data)
    assert raised.value.error_dict[field][0].code == code
    assert not ImprovementItem.objects.exists()


def test_a_department_not_serving_my_communities_is_refused(world, soon):
    with pytest.raises(ValidationError) as raised:
        services.item_create(
            by=world.manager,
            title="t",
            source="inspection",
            department=world.partner_b,  # serves community B only
            community=world.a,
            measures="m",
            due=soon,
        )
    assert "department" in raised.value.error_dict


def test_only_planners_of_the_community_create(world, soon):
    data = dict(title="t", source="meeting", department=world.engineering, measures="m", due=soon)
    with pytest.raises(PermissionDenied):
        services.item_create(by=world.specialist, community=world.a, **data)
    with pytest.raises(PermissionDenied):
        services.item_create(by=world.manager, community=world.b, **data)


def test_scope_owner_department_and_communities(world, item):
    assert selectors.items_visible_to(world.manager).filter(pk=item.pk).exists()
    assert selectors.items_visible_to(world.worker).filter(pk=item.pk).exists()  # department
    assert selectors.items_visible_to(world.executive).filter(pk=item.pk).exists()
    assert not selectors.items_visible_to(world.specialist_b).filter(pk=item.pk).exists()
    assert not selectors.items_visible_to(world.resident).exists()


def test_progress_done_and_verify(world, item):
    services.item_progress(by=world.worker, item=item, text="已采购灯具", status="in_progress")
    assert fresh(world.manager, item).status_now == "in_progress"
    with pytest.raises(ValidationError):  # not done yet
        services.item_verify(
            by=world.manager, item=fresh(world.manager, item), effective=True, note="好"
        )
    services.item_progress(by=world.worker, item=item, text="已更换", status="done")
    with pytest.raises(PermissionDenied):  # verification is the manager's
        services.item_verify(
            by=world.assistant, item=fresh(world.manager, item), effective=True, note="x"
        )
    with pytest.raises(ValidationError) as raised:
        services.item_verify(
            by=world.manager, item=fresh(world.manager, item), effective=True, note=""
        )
    assert raised.value.error_dict["note"][0].code == "required"
    services.item_verify(
        by=world.manager, item=fresh(world.manager, item), effective=False, note="仍有暗区"
    )
    done = fresh(world.manager, item)
    assert done.status_now == "not_effective" and done.verification_note == "仍有暗区"
    assert [u.status for u in selectors.updates_of(item)] == [
        "open",
        "in_progress",
        "done",
        "not_effective",
    ]


def test_progress_needs_text_and_a_worker_of_the_item(world, item):
    with pytest.raises(ValidationError):
        services.item_progress(by=world.worker, item=item, text=" ")
    with pytest.raises(PermissionDenied):
        services.item_progress(by=world.specialist_b, item=item, text="x")
    with pytest.raises(ValidationError):
        services.item_progress(by=world.worker, item=item, text="x", status="effective")


def test_a_complaints_measures_become_items(world, decided):
    item = selectors.items_visible_to(world.manager).get(source="complaint")
    measure = decided.measures.get()
    assert item.measure_id == measure.pk
    assert item.title.startswith(decided.number)
    assert (item.department_id, item.community_id, item.due) == (
        world.engineering.pk,
        world.a.pk,
        measure.due,
    )


def test_the_measure_is_the_one_source_of_truth(world, decided):
    measure = decided.measures.get()
    item = selectors.items_visible_to(world.manager).get(measure=measure)
    # marked on the ticket page: the item shows it
    measure_mark(by=world.specialist, measure=measure, done=True)
    assert fresh(world.manager, item).status_now == "done"
    measure.refresh_from_db()
    measure_mark(by=world.manager, measure=measure, verified=True)
    assert fresh(world.manager, item).status_now == "effective"


def test_marking_the_item_marks_the_measure(world, decided):
    measure = decided.measures.get()
    item = selectors.items_visible_to(world.manager).get(measure=measure)
    # the department worker reports progress but does not close a complaint's measure
    with pytest.raises(PermissionDenied):
        services.item_progress(
            by=world.worker, item=fresh(world.worker, item), text="x", status="done"
        )
    services.item_progress(
        by=world.specialist, item=fresh(world.specialist, item), text="已培训", status="done"
    )
    measure.refresh_from_db()
    assert measure.done_at is not None
    services.item_verify(
        by=world.manager, item=fresh(world.manager, item), effective=True, note="投诉未再发生"
    )
    measure.refresh_from_db()
    assert measure.verified_at is not None
    assert decided.events.filter(kind="measure").count() == 2


def test_overview_counts_per_department(world, item, decided):
    services.item_progress(by=world.worker, item=item, text="x", status="done")
    ImprovementItem.objects.filter(source="complaint").update(due=dt.date(2020, 1, 1))
    row = {r["department_id"]: r for r in selectors.overview(world.manager)}[world.engineering.pk]
    assert (row["open"], row["overdue"], row["done"], row["total"]) == (1, 1, 1, 2)
