"""`wuyedesk backup` and `wuyedesk restore` (#17 point 3, core/backup.py), on whichever
database the suite runs: the archive is restored by the real command, in a process of its
own, into a second, empty database (a new SQLite file, or a new PostgreSQL database on the
same server) with its own media folder and cache, and every ticket, attachment (its bytes)
and audit row is found there."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from huey import SqliteHuey

from wuyedesk.audit.models import AuditEntry
from wuyedesk.core import backup, reference
from wuyedesk.tickets.models import Attachment, Ticket

TABLES = [Ticket._meta.db_table, Attachment._meta.db_table, AuditEntry._meta.db_table]
VERSION_KEY = "wuyedesk:version:reference"


# --- the second database ----------------------------------------------------------------


class Target:
    """An empty database and WUYEDESK_HOME for `wuyedesk restore` to fill."""

    def __init__(self, tmp_path: Path, name: str):
        self.home = tmp_path / name
        self.home.mkdir()
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = self.home / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.db = f"restore_{uuid.uuid4().hex[:12]}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.db}"')
            s = connection.settings_dict
            auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
            self.url = f"postgres://{auth}@{s['HOST']}:{s['PORT'] or 5432}/{self.db}"

    def drop(self):
        if self.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "DJANGO"))}
        return env | {
            "DJANGO_SETTINGS_MODULE": "wuyedesk.settings",
            "DATABASE_URL": self.url,
            "WUYEDESK_HOME": str(self.home),
            "SECRET_KEY": "restore-test-secret-key-0123456789-0123456789",
            "LOG_FORMAT": "plain",
        }

    def wuyedesk(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603  (our own interpreter and command)
            [sys.executable, "-m", "wuyedesk.cli", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def rows(self, table: str) -> list[tuple]:
        return _rows(self._connect(), table)

    def has_table(self, table: str) -> bool:
        conn = self._connect()
        try:
            if self.vendor == "sqlite":
                sql = "SELECT 1 FROM sqlite_master WHERE name = ?"
            else:
                sql = "SELECT 1 FROM pg_tables WHERE tablename = %s"
            return conn.execute(sql, (table,)).fetchone() is not None
        finally:
            conn.close()

    def columns(self, table: str) -> set[str]:
        conn = self._connect()
        try:
            cursor = conn.execute(f'SELECT * FROM "{table}" LIMIT 0')  # noqa: S608
            return {d[0] for d in cursor.description}
        finally:
            conn.close()

    def _connect(self):
        if self.vendor == "sqlite":
            return sqlite3.connect(self.path)
        return _pg_connect(self.db)


def _pg_connect(dbname: str):
    import psycopg

    s = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"],
        port=s["PORT"] or None,
    )


def _rows(conn, table: str) -> list[tuple]:
    """Every row in id order, read the same raw way on either side (no Django adapters)."""
    try:
        return list(conn.execute(f'SELECT * FROM "{table}" ORDER BY id'))  # noqa: S608
    finally:
        conn.close()


def _source_rows(table: str) -> list[tuple]:
    if connection.vendor == "sqlite":
        return _rows(sqlite3.connect(connection.settings_dict["NAME"]), table)
    return _rows(_pg_connect(connection.settings_dict["NAME"]), table)


# --- the data ---------------------------------------------------------------------------


def _make_data(world) -> dict[str, bytes]:
    """Tickets with attachments (their bytes by storage name) and audit rows, through the
    services."""
    from wuyedesk.properties.services import resident_reveal
    from wuyedesk.tickets.attachments import attachment_add
    from wuyedesk.tickets.defaults import load_categories
    from wuyedesk.tickets.services import ticket_create

    categories = load_categories()
    files = {}
    for n in range(3):
        ticket = ticket_create(
            by=world.specialist,
            kind="inquiry",
            channel="phone",
            category=categories["UTILITY"],
            title="",
            description=f"卫生间漏水 {n}",
            resident=world.resident_a,
            room=world.rooms_a[0],
        )
        data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * (n + 1) + str(n).encode()
        attachment = attachment_add(
            by=world.specialist,
            ticket=ticket,
            upload=SimpleUploadedFile(f"photo-{n}.png", data, content_type="image/png"),
            public=True,
        )
        files[attachment.file.name] = data
        resident_reveal(by=world.manager, resident=world.resident_a, field="phone")
    assert AuditEntry.objects.count() >= 3
    return files


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-source"
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(world, media, tmp_path):
    files = _make_data(world)
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "3 tickets, 3 attachments" in out.getvalue()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"]["tickets.ticket"] == 3
    assert manifest["counts"]["audit.auditentry"] == AuditEntry.objects.count()
    assert manifest["media"]["files"] == 3 and manifest["created_at"]
    assert set(manifest["checksums"]) == set(names) - {"manifest.json"}
    assert {f"media/{name}" for name in files} <= set(names)

    target = Target(tmp_path, "target")
    try:
        # What a running WuyeDesk had cached before the restore is gone after it.
        stale = FileBasedCache(str(target.home / "cache"), {})
        stale.set(VERSION_KEY, 12345, None)
        queue = SqliteHuey("wuyedesk", filename=str(target.home / "huey.sqlite3"))
        queue.put("queued-before", 1)
        done = target.wuyedesk("restore", str(archive))
        assert done.returncode == 0, done.stderr
        assert "restored" in done.stdout and "caches cleared" in done.stdout
        assert stale.get(VERSION_KEY) is None
        assert queue.get("queued-before") is None  # the task queue starts empty

        for table in TABLES:
            source = _source_rows(table)
            assert source and target.rows(table) == source, table
        for name, data in files.items():
            assert (target.home / "media" / name).read_bytes() == data

        # A database that holds data is not overwritten without --force.
        again = target.wuyedesk("restore", str(archive))
        assert again.returncode != 0 and "not empty" in again.stderr
        forced = target.wuyedesk("restore", "--force", str(archive))
        assert forced.returncode == 0, forced.stderr
        assert target.rows(Ticket._meta.db_table) == _source_rows(Ticket._meta.db_table)

        # An older archive: its database lacks the newest migration of properties.
        rolled = target.wuyedesk("migrate", "properties", "0002", "--verbosity", "0")
        assert rolled.returncode == 0, rolled.stderr
        assert "rate_metrics" not in target.columns("properties_company")
        older = tmp_path / "older.tar.gz"
        made = target.wuyedesk("backup", str(older))
        assert made.returncode == 0, made.stderr
        second = Target(tmp_path, "second")
        try:
            upgraded = second.wuyedesk("restore", str(older))
            assert upgraded.returncode == 0, upgraded.stderr
            assert "migrations applied" in upgraded.stdout
            assert "rate_metrics" in second.columns("properties_company")
            for table in TABLES:
                assert second.rows(table) == _source_rows(table), table
        finally:
            second.drop()
    finally:
        target.drop()


def _tampered(archive: Path, tmp_path: Path) -> Path:
    """The same archive with one byte of one attachment changed (manifest as it was)."""
    bad = tmp_path / "tampered.tar.gz"
    changed = False
    with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name.startswith("media/") and not changed:
                data, changed = data[:-1] + bytes([data[-1] ^ 1]), True
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return bad


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_archive_and_a_database_with_data(world, media, tmp_path):
    _make_data(world)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    tickets = list(Ticket.objects.values_list("pk", "description"))

    with pytest.raises(CommandError, match="checksum fails: media/"):
        call_command("restore", str(_tampered(archive, tmp_path)), force=True)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(garbage), force=True)
    assert list(Ticket.objects.values_list("pk", "description")) == tickets

    # A manifest naming a migration this WuyeDesk does not know: made by a newer version.
    newer = tmp_path / "newer.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(newer, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migrations"]["tickets"].append("9999_from_the_future")
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="newer WuyeDesk"):
        call_command("restore", str(newer), force=True)
    out = io.StringIO()
    call_command("restore", str(archive), check=True, stdout=out)
    assert "checksums ok" in out.getvalue()
    assert list(Ticket.objects.values_list("pk", "description")) == tickets


def test_clearing_the_caches_forgets_the_reference_data(db):
    cache.set(VERSION_KEY, 1, None)
    built = []
    reference.memo("test-key", lambda: built.append(1) or "value")
    backup.clear_caches()
    assert cache.get(VERSION_KEY) is None
    reference.memo("test-key", lambda: built.append(1) or "value")
    assert len(built) == 2  # built again


def test_media_listing_walks_every_folder(media):
    for name in ("a/b/c.txt", "a/d.txt", "e.txt"):
        default_storage.save(name, io.BytesIO(b"x"))
    assert backup._media_names(default_storage) == ["e.txt", "a/d.txt", "a/b/c.txt"]
