"""`wuyedesk backup` and `restore` with media on S3-compatible storage (#17 points 1 and 3):
the archive reads the bucket through Django's storage API and the restore writes the files
into another bucket, byte for byte (moto_server on 127.0.0.1, as tickets/tests/test_media_s3.py)."""

import io
import tarfile

import pytest
from django.core.management import call_command

from wuyedesk.core.tests.test_backup import Target, _make_data, _source_rows
from wuyedesk.tickets.models import Attachment, Ticket

pytest.importorskip("boto3")
pytest.importorskip("storages")

# The S3 server and settings of the media test, as fixtures of this module too.
from wuyedesk.tickets.tests import test_media_s3

BUCKET = test_media_s3.BUCKET
s3_server = test_media_s3.s3_server
s3_media = test_media_s3.s3_media

RESTORED = "wuyedesk-media-restored"


@pytest.mark.django_db(transaction=True)
def test_media_on_s3_are_backed_up_and_restored_into_another_bucket(
    world, s3_media, s3_server, tmp_path
):
    url, client = s3_server
    files = _make_data(world)
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert set(files) <= keys  # the attachments went to the bucket, not to a folder

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        for name, data in files.items():
            assert tar.extractfile(f"media/{name}").read() == data

    client.create_bucket(Bucket=RESTORED)
    target = Target(tmp_path, "target")
    try:
        env = target.env() | {
            "MEDIA_S3_BUCKET": RESTORED,
            "MEDIA_S3_ENDPOINT_URL": url,
            "MEDIA_S3_ACCESS_KEY": "test",
            "MEDIA_S3_SECRET_KEY": "test",
        }
        target.env = lambda: env
        done = target.wuyedesk("restore", str(archive))
        assert done.returncode == 0, done.stderr
        for name, data in files.items():
            assert client.get_object(Bucket=RESTORED, Key=name)["Body"].read() == data
        assert not (target.home / "media").exists()  # nothing went to the local folder
        for table in (Ticket._meta.db_table, Attachment._meta.db_table):
            assert target.rows(table) == _source_rows(table)
    finally:
        target.drop()
