"""Photos and files on the ticket page: size limit from the policy, type decided by content."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wuyedesk.lib.files import sniff
from wuyedesk.testing import policy_in_force
from wuyedesk.tickets.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, ticket, name, content, **extra):
    ticket.refresh_from_db()
    return client.post(
        f"/tickets/{ticket.pk}/attach/",
        {"version": ticket.version, "file": SimpleUploadedFile(name, content), **extra},
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        (HTML, None),
        (b"", None),
    ],
)
def test_sniff_by_first_bytes(content, expected):
    found = sniff(content[:16])
    assert (found[1] if found else None) == expected


def test_upload_a_photo_and_download_it(world, call, client_as, tmp_path):
    ticket = call()
    client = client_as(world.specialist)
    response = upload(client, ticket, "漏水照片.png", PNG, public="on")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "漏水照片.png"
    assert attachment.content_type == "image/png" and attachment.public
    assert attachment.size == len(PNG)
    assert attachment.file.name.endswith(".png") and "漏水" not in attachment.file.name
    assert ticket.events.filter(kind="message", public=True, body__contains="漏水照片").exists()
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "漏水照片.png" in page
    # Listed among the ticket's files, not only named in the timeline.
    listed = page.split('id="attachments"', 1)[1].split("</ul>", 1)[0]
    assert f'href="/tickets/{ticket.pk}/attachments/{attachment.pk}/">漏水照片.png</a>' in listed
    assert "暂无附件" not in page
    download = client.get(f"/tickets/{ticket.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG


def test_pdf_is_accepted_and_downloaded_as_a_file(world, call, client_as):
    ticket = call()
    client = client_as(world.specialist)
    assert upload(client, ticket, "发票.pdf", PDF).status_code == 302
    attachment = Attachment.objects.get()
    assert not attachment.public  # internal unless ticked
    response = client.get(f"/tickets/{ticket.pk}/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


def test_over_the_limit_is_refused_and_nothing_stored(world, call, client_as, tmp_path):
    policy_in_force(attachment_max_mb=1)
    ticket = call()
    events = ticket.events.count()
    response = upload(client_as(world.specialist), ticket, "big.png", PNG + b"\x00" * 1024 * 1024)
    assert response.status_code == 200
    assert "文件太大:上限为 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()
    assert ticket.events.count() == events
    assert not list((tmp_path / "media").rglob("*.png"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", HTML),  # the name says image, the content is a web page
        ("page.html", PNG),  # the content says image, the name invites a browser
        ("run.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("noext", PNG),
    ],
)
def test_refused_type_is_refused_and_nothing_stored(
    world, call, client_as, tmp_path, name, content
):
    ticket = call()
    response = upload(client_as(world.specialist), ticket, name, content)
    assert response.status_code == 200
    assert "不支持的文件类型" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not (tmp_path / "media").exists() or not list((tmp_path / "media").rglob("*.*"))


def test_no_file_says_so(world, call, client_as):
    ticket = call()
    ticket.refresh_from_db()
    response = client_as(world.specialist).post(
        f"/tickets/{ticket.pk}/attach/", {"version": ticket.version}
    )
    assert response.status_code == 200 and "请选择文件" in response.content.decode()


def test_department_worker_may_attach_to_a_dispatched_ticket(world, call, client_as):
    from wuyedesk.tickets import services

    ticket = call()
    services.ticket_transfer(
        by=world.specialist, ticket=ticket, department=world.engineering, note="上门"
    )
    assert upload(client_as(world.worker), ticket, "现场.jpg", JPEG).status_code == 302
    assert Attachment.objects.get().uploaded_by == world.worker


def test_out_of_scope_cannot_upload_or_download(world, call, client_as):
    ticket = call()
    assert upload(client_as(world.specialist), ticket, "a.png", PNG).status_code == 302
    attachment = Attachment.objects.get()
    outsider = client_as(world.specialist_b)
    assert outsider.get(f"/tickets/{ticket.pk}/attachments/{attachment.pk}/").status_code == 404
    assert upload(outsider, ticket, "b.png", PNG).status_code == 404
    assert Attachment.objects.count() == 1


def test_attachment_of_another_ticket_is_not_found(world, call, client_as):
    a, b = call(), call()
    client = client_as(world.specialist)
    upload(client, a, "a.png", PNG)
    attachment = Attachment.objects.get()
    assert client.get(f"/tickets/{b.pk}/attachments/{attachment.pk}/").status_code == 404
