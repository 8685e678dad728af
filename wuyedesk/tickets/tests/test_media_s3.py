"""Media on S3-compatible storage (issue #17): the settings of MEDIA_S3_BUCKET against a real
S3-compatible HTTP server on 127.0.0.1 (moto_server, started as its own process).

A photo uploaded by one user is in the bucket under a random name, is served to another
user who may see the ticket by the application (its permission check, streamed, sandboxed),
and to nobody else; no answer carries a bucket URL. deploy/multihost/run.py does the same
across two web machines.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from wuyedesk.tickets.models import Attachment

boto3 = pytest.importorskip("boto3")
pytest.importorskip("storages")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BUCKET = "wuyedesk-media-test"


@pytest.fixture(scope="module")
def s3_server():
    moto = Path(sys.executable).parent / "moto_server"
    if not moto.exists():
        moto = shutil.which("moto_server")
    if not moto:
        pytest.fail("moto_server is not installed: pip install -e '.[test]'")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603  (the venv's moto_server, fixed arguments)
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:  # ready when it accepts connections; waiting on the process, not sleeping
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            pytest.fail("moto_server did not start in 30 s")
        try:
            server.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail("moto_server exited")
    url = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield url, client
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3_media(settings, s3_server):
    url, client = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": url,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 60,
                "signature_version": "s3v4",
                "file_overwrite": False,
            },
        },
    }
    # Django's setting_changed handler drops the storages made for the old setting.
    return client


def _keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_a_photo_goes_to_the_bucket_and_is_served_only_through_the_permission_check(
    world, call, client_as, s3_media
):
    ticket = call()
    uploader = client_as(world.specialist)
    response = uploader.post(
        f"/tickets/{ticket.pk}/attach/",
        {"version": ticket.version, "file": SimpleUploadedFile("漏水.png", PNG), "public": "on"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.file.name in _keys(s3_media)
    assert "漏水" not in attachment.file.name  # the uploader's name never reaches the bucket
    path = f"/tickets/{ticket.pk}/attachments/{attachment.pk}/"

    # Another user who may see the ticket gets the bytes from the application, sandboxed.
    served = client_as(world.manager).get(path)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == PNG
    assert served["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "Location" not in served

    # Out of scope: no file; and no page ever points at the bucket.
    outsider = client_as(world.specialist_b).get(path)
    assert outsider.status_code in (403, 404)
    page = client_as(world.specialist).get(f"/tickets/{ticket.pk}/").content.decode()
    assert BUCKET not in page and "X-Amz-Signature" not in page


def test_the_bucket_is_private(s3_media):
    """The objects are not readable without credentials: only the application reads them."""
    import urllib.error
    import urllib.request

    storage = storages["default"]
    name = storage.save("attachments/probe.png", SimpleUploadedFile("probe.png", PNG))
    # moto accepts anonymous reads of any bucket, so check what WuyeDesk asks for: objects
    # uploaded without a public ACL, and signed, expiring URLs only.
    acl = s3_media.get_object_acl(Bucket=BUCKET, Key=name)
    assert not [
        grant
        for grant in acl["Grants"]
        if grant["Grantee"].get("URI", "").endswith("/global/AllUsers")
    ]
    signed = storage.url(name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    with urllib.request.urlopen(signed) as answer:  # noqa: S310  (the local test server)
        assert answer.read() == PNG
    storage.delete(name)
    assert name not in _keys(s3_media)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(signed)  # noqa: S310
