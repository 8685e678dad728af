"""The access log (#11 point 14, PIPL): opening a resident's record, revealing a number and
every export, with who, what, when and from where; reviewed by the manager and the
administrator by person and by resident (page and API); purged after the retention days."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.audit.services import access_log_purge, audit_record
from wuyedesk.audit.tasks import access_log_purge_task
from wuyedesk.properties.models import Company

URL = "/audit/access/"
API = "/api/v1/audit/access"


def _open(client, resident, ip="10.0.0.7"):
    return client.get(reverse("record_detail", args=["residents", resident.pk]), REMOTE_ADDR=ip)


def test_opening_a_residents_page_is_logged(world, client_as):
    assert _open(client_as(world.specialist), world.resident_a).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert entry.actor == world.specialist
    assert (entry.object_type, entry.object_id) == ("properties.resident", world.resident_a.pk)
    assert entry.community_id == world.a.pk and entry.ip == "10.0.0.7"
    assert entry.at is not None


def test_the_api_detail_is_logged_and_a_list_is_not(world, api_as):
    api = api_as(world.assistant)
    assert api.get(f"/api/v1/residents/{world.resident_a.pk}").status_code == 200
    assert api.get("/api/v1/residents").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert entry.actor == world.assistant and entry.object_id == world.resident_a.pk
    # a record out of scope answers 404 and is not logged as opened
    assert api.get(f"/api/v1/residents/{world.resident_b.pk}").status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.VIEW).count() == 1


def test_other_records_are_not_access_logged(world, client_as):
    client_as(world.specialist).get(reverse("record_detail", args=["rooms", world.rooms_a[0].pk]))
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_reveal_is_in_the_access_log_without_the_number(world, client_as):
    client = client_as(world.manager)
    response = client.post(reverse("resident_reveal", args=[world.resident_a.pk, "phone"]))
    assert "13812345678" in response.content.decode()
    rows = client.get(URL).content.decode()
    assert "查看完整个人信息" in rows and "张伟" in rows
    for entry in AuditEntry.objects.all():
        assert "13812345678" not in f"{entry.object_label} {entry.changes} {entry.details}"


def test_manager_reviews_by_person_and_by_resident(world, client_as, api_as):
    _open(client_as(world.specialist), world.resident_a)
    _open(client_as(world.assistant), world.resident_a)
    client_as(world.assistant).get("/residents/export.xlsx")
    manager = client_as(world.manager)
    page = manager.get(URL).content.decode()
    assert "刘专员" in page and "陈助理" in page and "导出" in page
    assert f"?actor={world.specialist.pk}" in page and f"?resident={world.resident_a.pk}" in page
    by_person = manager.get(URL, {"actor": world.specialist.pk}).content.decode()
    assert "刘专员" in by_person and "陈助理" not in by_person
    by_name = manager.get(URL, {"person": "陈助理", "action": "export"}).content.decode()
    assert "× 1" in by_name
    assert "1 行" in by_name

    api = api_as(world.manager)
    items = api.get(API, resident=world.resident_a.pk).json()["items"]
    assert {i["actor"] for i in items} == {"刘专员", "陈助理"}
    assert all(i["action"] == "view" for i in items)
    items = api.get(API, resident_name="张伟").json()["items"]
    assert len(items) == 2
    items = api.get(API, person="assistant", action="export").json()["items"]
    assert len(items) == 1 and items[0]["details"]["rows"] == 1
    assert items[0]["ip"] == "127.0.0.1"


def test_a_manager_sees_only_their_communities(world, client_as, api_as):
    _open(client_as(world.specialist_b), world.resident_b)  # community B
    _open(client_as(world.specialist), world.resident_a)
    assert "B专员" not in client_as(world.manager).get(URL).content.decode()
    names = {i["actor"] for i in api_as(world.manager).get(API).json()["items"]}
    assert names == {"刘专员"}
    names = {i["actor"] for i in api_as(world.admin).get(API).json()["items"]}
    assert names == {"刘专员", "B专员"}
    assert "B专员" in client_as(world.admin).get(URL).content.decode()


@pytest.mark.parametrize(
    "post", ["specialist", "assistant", "worker", "supervisor", "executive", "specialist_b"]
)
def test_other_posts_get_403(world, client_as, api_as, post):
    user = getattr(world, post)
    assert client_as(user).get(URL).status_code == 403
    response = api_as(user).get(API)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_residents_and_anonymous_are_refused(world, client, api_as):
    assert client.get(URL).status_code == 302
    assert client.get(API).status_code == 401
    client.force_login(world.resident)
    assert client.get(URL).status_code == 403


def test_bad_filters(world, client_as, api_as):
    page = client_as(world.manager).get(URL, {"since": "2026-05-02", "until": "2026-05-01"})
    body = page.content.decode()
    assert page.status_code == 200 and "截止日期不能早于起始日期" in body
    assert 'value="2026-05-02"' in body  # the form stays filled
    response = api_as(world.manager).get(API, since="2026-05-02", until="2026-05-01")
    assert response.status_code == 422 and response.json()["field"] == "until"
    response = api_as(world.manager).get(API, actor="abc")
    assert response.status_code == 422 and response.json()["field"] == "actor"
    response = api_as(world.manager).get(API, action="update")
    assert response.status_code == 422 and response.json()["field"] == "action"


def test_filter_by_day_in_the_company_time_zone(world, client_as, api_as):
    _open(client_as(world.specialist), world.resident_a)
    # 2026-05-01 23:30 in Shanghai is 15:30 UTC the same day
    AuditEntry.objects.update(at=dt.datetime(2026, 5, 1, 15, 30, tzinfo=dt.UTC))
    api = api_as(world.manager)
    assert len(api.get(API, since="2026-05-01", until="2026-05-01").json()["items"]) == 1
    assert len(api.get(API, since="2026-05-02").json()["items"]) == 0


def test_api_pages_by_cursor(world, client_as, api_as):
    client = client_as(world.specialist)
    for _ in range(3):
        _open(client, world.resident_a)
    api = api_as(world.manager)
    first = api.get(API, limit=2).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(API, limit=2, cursor=first["next_cursor"]).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None


def test_page_in_english(world, client_as):
    world.manager.language = "en"
    world.manager.save(update_fields=["language"])
    _open(client_as(world.specialist), world.resident_a)
    page = client_as(world.manager).get(URL).content.decode()
    assert "Access log" in page and "Opened a resident" in page


def test_reachable_from_the_home_pages_and_the_resident(world, client_as):
    link = f'href="{URL}"'
    assert link in client_as(world.manager).get("/").content.decode()
    assert link in client_as(world.admin).get("/").content.decode()
    assert link not in client_as(world.specialist).get("/").content.decode()
    detail = _open(client_as(world.manager), world.resident_a).content.decode()
    assert f"{URL}?resident={world.resident_a.pk}" in detail


def test_purge_keeps_recent_rows_and_change_history(world):
    company = Company.objects.get(pk=1)
    company.access_log_retention_days = 180
    company.save()
    now = timezone.now()
    old_view = audit_record(actor=world.manager, action=AuditAction.VIEW, obj=world.resident_a)
    old_export = audit_record(actor=world.manager, action=AuditAction.EXPORT, label="住户 × 1")
    old_change = audit_record(actor=world.admin, action=AuditAction.UPDATE, obj=world.resident_a)
    recent = audit_record(actor=world.manager, action=AuditAction.REVEAL, obj=world.resident_a)
    AuditEntry.objects.filter(pk__in=[old_view.pk, old_export.pk, old_change.pk]).update(
        at=now - dt.timedelta(days=181)
    )
    AuditEntry.objects.filter(pk=recent.pk).update(at=now - dt.timedelta(days=179))
    assert access_log_purge(now=now) == 2
    left = set(AuditEntry.objects.values_list("pk", flat=True))
    assert left == {old_change.pk, recent.pk}
    assert access_log_purge(now=now) == 0  # again: nothing more
    assert access_log_purge_task.call_local() == 0  # the periodic task runs the same service
