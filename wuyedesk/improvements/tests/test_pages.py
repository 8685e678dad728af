"""Improvement pages: list with filters, board, overview, detail, forms; scope and bad input."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from wuyedesk.improvements.models import ImprovementItem


def test_list_board_overview_and_detail(world, client_as, item, decided):
    client = client_as(world.manager)
    page = client.get(reverse("improvement_list")).content.decode()
    assert "地下车库照明不足" in page and decided.number in page
    page = client.get(reverse("improvement_list"), {"source": "inspection"}).content.decode()
    assert "地下车库照明不足" in page and decided.number not in page
    board = client.get(reverse("improvement_board")).content.decode()
    assert 'data-status="open"' in board and "地下车库照明不足" in board
    overview = client.get(reverse("improvement_overview")).content.decode()
    assert "工程部" in overview
    detail = client.get(reverse("improvement_detail", args=[item.pk])).content.decode()
    assert "更换车库 B2 层灯具" in detail and 'id="progress-form"' in detail


def test_overdue_filter(world, client_as, item):
    ImprovementItem.objects.filter(pk=item.pk).update(due=dt.date(2020, 1, 1))
    client = client_as(world.manager)
    page = client.get(reverse("improvement_list"), {"overdue": "on"}).content.decode()
    assert "地下车库照明不足" in page and "table-danger" in page


def test_out_of_scope_is_404_and_wrong_post_403(world, client_as, item):
    assert (
        client_as(world.specialist_b).get(reverse("improvement_detail", args=[item.pk])).status_code
        == 404
    )
    assert client_as(world.specialist).get(reverse("improvement_create")).status_code == 403


def test_create_form_keeps_what_was_typed_on_error(world, client_as):
    client = client_as(world.manager)
    response = client.post(
        reverse("improvement_create"),
        {
            "title": "楼道堆物",
            "source": "inspection",
            "community": world.a.pk,
            "department": world.engineering.pk,
            "measures": "每周巡查清理",
            "due": "2020-01-01",
        },
    )
    page = response.content.decode()
    assert "完成期限不能早于今天" in page and "每周巡查清理" in page and "楼道堆物" in page
    assert not ImprovementItem.objects.exists()
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(
        reverse("improvement_create"),
        {
            "title": "楼道堆物",
            "source": "inspection",
            "community": world.a.pk,
            "department": world.engineering.pk,
            "measures": "每周巡查清理",
            "due": due,
        },
    )
    item = ImprovementItem.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "improvement_detail", args=[item.pk]
    )


def test_progress_and_verify_forms(world, client_as, item):
    worker = client_as(world.worker)
    response = worker.post(
        reverse("improvement_progress", args=[item.pk]), {"text": "", "status": "done"}
    )
    assert response.status_code == 422
    worker.post(
        reverse("improvement_progress", args=[item.pk]), {"text": "换好了", "status": "done"}
    )
    manager = client_as(world.manager)
    page = manager.get(reverse("improvement_detail", args=[item.pk])).content.decode()
    assert 'id="verify-form"' in page
    manager.post(
        reverse("improvement_verify", args=[item.pk]), {"effective": "1", "note": "照度达标"}
    )
    item.refresh_from_db()
    assert item.status == "effective"


def test_list_query_count_does_not_grow(world, client_as, item, django_assert_max_num_queries):
    client = client_as(world.manager)
    client.get(reverse("improvement_list"))
    for n in range(5):
        ImprovementItem.objects.create(
            title=f"t{n}",
            source="meeting",
            department=world.engineering,
            community=world.a,
            owner=world.worker,
            measures="m",
            due=item.due,
            created_by=world.manager,
        )
    with django_assert_max_num_queries(15):
        client.get(reverse("improvement_list"))
