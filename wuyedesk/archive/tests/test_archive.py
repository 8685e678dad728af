"""The customer archive (#15 point 8, AST-1): upload with type and size checks, who may see
and open what (an ID copy only by right), every opening in the access log, the monthly list
of documents due for destruction and the destruction record."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wuyedesk.archive import selectors, services
from wuyedesk.archive.models import Document, DocumentType
from wuyedesk.audit.models import AuditAction, AuditEntry
from wuyedesk.lib.dates import add_months
from wuyedesk.properties.models import Occupancy
from wuyedesk.testing import assert_api_error

PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def kind(code):
    return DocumentType.objects.get(code=code)


@pytest.fixture
def id_copy(world):
    return services.document_upload(
        by=world.assistant,
        doc_type_id=kind("ID_COPY").pk,
        title="身份证复印件",
        upload=pdf("110105194912310020.pdf"),
        room_id=world.rooms_a[0].pk,
        resident_id=world.resident_a.pk,
    )


@pytest.fixture
def lease(world):
    return services.document_upload(
        by=world.manager,
        doc_type_id=kind("LEASE").pk,
        title="租赁合同",
        upload=pdf(),
        room_id=world.rooms_a[0].pk,
    )


def test_upload_keeps_the_file_under_a_random_name_with_an_audit_row(world, id_copy):
    assert id_copy.community_id == world.a.pk
    assert "110105" not in id_copy.file.name and id_copy.file.name.endswith(".pdf")
    assert default_storage.exists(id_copy.file.name)
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="archive.document", object_id=id_copy.pk
    ).exists()


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (lambda: pdf("page.html", b"<html><script>alert(1)</script>"), "refused_type"),
        (lambda: pdf("scan.pdf", b"MZ\x90\x00 not a pdf"), "refused_type"),
        (lambda: pdf("big.pdf", PDF + b"0" * (1024 * 1024 + 1)), "too_large"),
        (lambda: None, "required"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(world, upload, code):
    doc_type = kind("OTHER")
    doc_type.max_size_mb = 1
    doc_type.save()
    with pytest.raises(ValidationError) as refused:
        services.document_upload(
            by=world.assistant,
            doc_type_id=doc_type.pk,
            title="其他",
            upload=upload(),
            room_id=world.rooms_a[0].pk,
        )
    assert refused.value.error_dict["file"][0].code == code
    assert not Document.objects.exists()


def test_out_of_scope_and_other_posts_may_not_upload(world):
    args = {"doc_type_id": kind("OTHER").pk, "title": "x", "upload": pdf()}
    with pytest.raises(ValidationError) as refused:  # B's room is not among A's
        services.document_upload(by=world.assistant, room_id=world.rooms_b[0].pk, **args)
    assert "room" in refused.value.error_dict
    for who in ("specialist", "worker", "supervisor", "executive", "admin"):
        with pytest.raises(PermissionDenied):
            services.document_upload(by=world.users[who], room_id=world.rooms_a[0].pk, **args)
    with pytest.raises(ValidationError):  # neither room nor resident
        services.document_upload(by=world.assistant, **args)


def test_who_may_open_what_and_every_opening_is_logged(world, id_copy, lease):
    assert selectors.may_open(world.assistant, id_copy)
    assert selectors.may_open(world.manager, id_copy)
    assert not selectors.may_open(world.specialist, id_copy)  # an ID copy: not by right
    assert selectors.may_open(world.specialist, lease)  # an ordinary document
    assert not selectors.may_open(world.specialist_b, lease)  # another community
    assert not selectors.may_open(world.worker, lease)
    services.document_open(by=world.assistant, document=id_copy)
    services.document_open(by=world.specialist, document=lease)
    with pytest.raises(PermissionDenied):
        services.document_open(by=world.specialist, document=id_copy)
    opened = AuditEntry.objects.filter(action=AuditAction.REVEAL, object_type="archive.document")
    assert sorted(opened.values_list("object_id", flat=True)) == sorted([id_copy.pk, lease.pk])


def test_the_pages_mask_and_log(world, id_copy, client_as):
    specialist = client_as(world.specialist)
    listed = specialist.get("/archive/").content.decode()
    assert "身份证复印件" in listed and "110105194912310020" not in listed
    assert "13812345678" not in listed
    detail = specialist.get(f"/archive/{id_copy.pk}/").content.decode()
    assert "archive-open" not in detail
    assert specialist.get(f"/archive/{id_copy.pk}/file/").status_code == 403
    assistant = client_as(world.assistant)
    opened = assistant.get(f"/archive/{id_copy.pk}/file/")
    assert opened.status_code == 200 and b"".join(opened.streaming_content).startswith(b"%PDF")
    assert opened["Content-Security-Policy"].endswith("sandbox")
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL, actor=world.assistant).count() == 1
    assert client_as(world.specialist_b).get(f"/archive/{id_copy.pk}/").status_code == 404
    assert client_as(world.worker).get("/archive/").status_code == 403


def test_the_upload_page_keeps_the_form_filled_on_a_bad_file(world, client_as):
    client = client_as(world.assistant)
    response = client.post(
        "/archive/new/",
        {
            "doc_type": kind("LEASE").pk,
            "title": "租赁合同",
            "room": world.rooms_a[0].pk,
            "file": SimpleUploadedFile("x.pdf", b"GIF8 nope"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "invalid-feedback" in page and "租赁合同" in page
    done = client.post(
        "/archive/new/",
        {
            "doc_type": kind("LEASE").pk,
            "title": "租赁合同",
            "room": world.rooms_a[0].pk,
            "file": pdf(),
        },
    )
    assert done.status_code == 302 and Document.objects.count() == 1


def _move_out(resident, months_ago):
    day = add_months(timezone.localdate(), -months_ago) - dt.timedelta(days=1)
    Occupancy.objects.filter(resident=resident).update(
        move_in=day - dt.timedelta(days=30), move_out=day
    )


def test_due_for_destruction_and_the_destruction_record(
    world, id_copy, lease, django_capture_on_commit_callbacks
):
    assert selectors.due_for_destruction(world.assistant) == []  # still living there
    _move_out(world.resident_a, kind("ID_COPY").retention_months)
    due = selectors.due_for_destruction(world.assistant)
    # The ID copy follows the resident's occupancy; the lease, the room's (nobody lives there).
    assert {row.document.pk for row in due} == {id_copy.pk}
    assert selectors.due_count(world.assistant) == 1  # the home's figure: the same rows
    assert selectors.due_for_destruction(world.specialist) == []
    assert selectors.due_count(world.specialist) == 0
    with pytest.raises(ValidationError):
        services.document_destroy(by=world.assistant, document=lease, method="shredded")
    with pytest.raises(ValidationError):
        services.document_destroy(by=world.assistant, document=id_copy, method="burnt")
    with pytest.raises(PermissionDenied):
        services.document_destroy(by=world.specialist, document=id_copy, method="shredded")
    stored = id_copy.file.name
    with django_capture_on_commit_callbacks(execute=True):
        done = services.document_destroy(
            by=world.assistant, document=id_copy, method="shredded", note="碎纸机"
        )
    assert not default_storage.exists(stored)
    done.refresh_from_db()
    assert done.destroyed_by == world.assistant and done.destruction_method == "shredded"
    assert not done.file
    assert selectors.due_for_destruction(world.assistant) == []
    assert selectors.due_count(world.assistant) == 0
    with pytest.raises(ValidationError):
        services.document_destroy(by=world.assistant, document=done, method="shredded")
    assert AuditEntry.objects.filter(
        action=AuditAction.ARCHIVE, object_type="archive.document", object_id=id_copy.pk
    ).exists()


def test_the_monthly_list_page_and_the_home_figure(world, id_copy, client_as):
    _move_out(world.resident_a, kind("ID_COPY").retention_months)
    client = client_as(world.assistant)
    home = client.get("/").content.decode()
    assert 'data-figure="archive_due" data-count="1"' in home
    assert client.get("/archive/due/").content.decode().count("data-row") == 1
    later = (timezone.localdate() - dt.timedelta(days=200)).strftime("%Y-%m")
    assert client.get(f"/archive/due/?month={later}").content.decode().count("data-row=") == 0
    assert "is-invalid" in client.get("/archive/due/?month=2026-13").content.decode()
    # The home keeps its figure under the archive's version: a destruction shows at once.
    assert 'data-figure="archive_due" data-count="1"' in client.get("/").content.decode()
    services.document_destroy(by=world.assistant, document=id_copy, method="shredded")
    assert 'data-figure="archive_due" data-count="0"' in client.get("/").content.decode()
    assert client_as(world.specialist).get("/archive/due/").status_code == 403


def test_a_merge_moves_the_archive_with_the_resident(world, id_copy):
    from wuyedesk.dataquality.services import residents_merge
    from wuyedesk.testing import make_resident

    twin = make_resident(world.rooms_a[1], name="张伟", phone="13812345678")
    residents_merge(by=world.assistant, survivor_id=twin.pk, duplicate_id=world.resident_a.pk)
    id_copy.refresh_from_db()
    assert id_copy.resident_id == twin.pk


def test_the_manager_edits_a_types_retention(world, client_as):
    doc_type = kind("LEASE")
    url = f"/archive/types/{doc_type.pk}/"
    assert client_as(world.assistant).get(url).status_code == 403
    client = client_as(world.manager)
    data = {
        "name": "租赁合同",
        "name_en": "Lease",
        "retention_months": 0,
        "max_size_mb": 20,
        "active": "on",
    }
    bad = client.post(url, data)
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert client.post(url, {**data, "retention_months": 48}).status_code == 302
    doc_type.refresh_from_db()
    assert doc_type.retention_months == 48
    assert AuditEntry.objects.filter(object_type="archive.documenttype").exists()


def test_the_api(world, id_copy, api_as, client):
    api = api_as(world.specialist)
    body = api.get("/api/v1/archive/documents").json()
    row = body["items"][0]
    assert row["name"] is None and row["resident_phone"] != world.resident_a.phone
    assert_api_error(
        api.get(f"/api/v1/archive/documents/{id_copy.pk}/file"), 403, "permission_denied"
    )
    assert_api_error(
        api_as(world.specialist_b).get(f"/api/v1/archive/documents/{id_copy.pk}"), 404, "not_found"
    )
    assert_api_error(
        api_as(world.worker).get("/api/v1/archive/documents"), 403, "permission_denied"
    )
    keeper = api_as(world.assistant)
    assert keeper.get(f"/api/v1/archive/documents/{id_copy.pk}/file").status_code == 200
    upload = client.post(
        "/api/v1/archive/documents",
        {
            "type": kind("OTHER").pk,
            "title": "通知回执",
            "room": world.rooms_a[0].pk,
            "file": SimpleUploadedFile("n.txt", b"plain text"),
        },
        headers=keeper.headers,
    )
    assert_api_error(upload, 422, "refused_type", "file")
    ok = client.post(
        "/api/v1/archive/documents",
        {"type": kind("OTHER").pk, "title": "通知回执", "room": world.rooms_a[0].pk, "file": pdf()},
        headers=keeper.headers,
    )
    assert ok.status_code == 201, ok.content
    assert keeper.get("/api/v1/archive/due").json() == []
    assert keeper.get("/api/v1/archive/due", month="2026-13").status_code == 422
    assert_api_error(
        keeper.post(f"/api/v1/archive/documents/{id_copy.pk}/destroy", {"method": "shredded"}),
        422,
        "not_due",
        "method",
    )
    assert len(api.get("/api/v1/archive/types").json()) == 6


def test_the_room_and_resident_pages_link_to_their_documents(world, id_copy, client_as):
    room_url = f"/rooms/{world.rooms_a[0].pk}/"
    page = client_as(world.assistant).get(room_url).content.decode()
    assert 'id="archive-section"' in page and f"/archive/?room={world.rooms_a[0].pk}" in page
    assert "/archive/new/?room=" in page
    specialist = client_as(world.specialist).get(room_url).content.decode()
    assert 'id="archive-section"' in specialist and "/archive/new/" not in specialist
    resident_url = f"/residents/{world.resident_a.pk}/"
    assert f"/archive/?resident={world.resident_a.pk}" in (
        client_as(world.manager).get(resident_url).content.decode()
    )
    worker = client_as(world.worker).get(resident_url)
    assert worker.status_code != 200 or 'id="archive-section"' not in worker.content.decode()


def test_the_monthly_job_tells_the_assistant_once_with_the_count_and_the_list(
    world, id_copy, lease, client_as, django_capture_on_commit_callbacks
):
    from wuyedesk.archive.tasks import archive_destruction_list_task
    from wuyedesk.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        assert services.destruction_list_notify() == 0  # nothing due: nobody is told
    _move_out(world.resident_a, kind("ID_COPY").retention_months)
    with django_capture_on_commit_callbacks(execute=True):
        archive_destruction_list_task.call_local()
        archive_destruction_list_task.call_local()  # a second run this month: no second notice
    notices = Notification.objects.filter(kind="archive")
    assert [n.user for n in notices] == [world.assistant]
    month = timezone.localdate().strftime("%Y-%m")
    assert notices[0].link == f"/archive/due/?month={month}"
    assert "1" in notices[0].text
    listed = client_as(world.assistant).get(notices[0].link).content.decode()
    assert listed.count("data-row=") == 1
