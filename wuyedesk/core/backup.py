"""`wuyedesk backup` and `wuyedesk restore` (#17 point 3; docs/operations.md, "Backups").

One archive file (`.tar.gz`) holds:

- `database.sqlite3` (SQLite's online backup API: a consistent copy while the web and the
  worker keep writing) or `database.pgdump` (`pg_dump --format=custom`, taken in an exported
  snapshot, the same snapshot the counts are read in);
- `media/…`: every file of Django's default storage (attachments, stored mail, report PDFs),
  read and written through the storage API, so the same command backs up a media folder or
  an S3 bucket;
- `manifest.json`, written last: the format, WuyeDesk's version, the database's kind, when
  the copy was taken, the migrations applied in it, the number of rows of every table, the
  number and size of the media files, and the SHA-256 of every other member.

Restore checks every checksum before it touches anything, refuses an archive made by a newer
WuyeDesk (migrations this code does not know) or of another database kind, refuses a
database that holds data unless told `--force`, restores the database, checks the row
counts against the manifest, runs the migrations (an older archive is brought up to date),
writes the media back, clears the caches (Django's cache, which holds the reference data's
version, and this process' copy of the reference data) and empties the task queue.

What an archive does not hold: secrets (`SECRET_KEY`, the environment file, passwords of
mail and gateways), the task queue (huey) and the cache, static files.
"""

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from wuyedesk.core import reference

FORMAT = "wuyedesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
# A database "holds data" (restore refuses it without --force) when one of these has a row.
DATA_MODELS = (settings.AUTH_USER_MODEL, "properties.Community", "tickets.Ticket")


class BackupError(Exception):
    """Why an archive was not made or not restored; nothing was changed."""


@dataclasses.dataclass
class Restored:
    manifest: dict
    media_files: int
    migrated: bool


# --- helpers ---------------------------------------------------------------------------


def vendor_of(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in DB_FILES:
        raise BackupError(f"unsupported database: {vendor}")
    return vendor


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _HashingReader(io.RawIOBase):
    """Reads through `raw`, keeping the SHA-256 and length of what was read."""

    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()
        self.length = 0

    def readable(self) -> bool:
        return True

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digest.update(data)
        self.length += len(data)
        return data

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _model_tables() -> dict[str, str]:
    """{table: model label} of every concrete table Django manages."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy:
            tables[meta.db_table] = meta.label_lower
    return tables


def _media_names(storage, path: str = "") -> list[str]:
    """Every file of `storage`, recursively, in a stable order."""
    try:
        dirs, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{path}{name}" for name in sorted(files)]
    for directory in sorted(dirs):
        names.extend(_media_names(storage, f"{path}{directory}/"))
    return names


def _quote(using: str, name: str) -> str:
    return connections[using].ops.quote_name(name)


def _counts(cursor, using: str, present: set[str]) -> dict[str, int]:
    counts = {}
    for table, label in sorted(_model_tables().items()):
        if table in present:
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(using, table)}")  # noqa: S608
            counts[label] = cursor.fetchone()[0]
    return counts


def _applied(cursor, present: set[str]) -> dict[str, list[str]]:
    if "django_migrations" not in present:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


# --- the database ---------------------------------------------------------------------


def _sqlite_path(using: str) -> str:
    return str(connections[using].settings_dict["NAME"])


def _sqlite_dump(using: str, target: Path) -> tuple[dict, dict]:
    """A consistent copy by SQLite's online backup API, then its counts and migrations."""
    source = sqlite3.connect(_sqlite_path(using))
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {row[0] for row in cursor.fetchall()}
        return _counts(cursor, using, present), _applied(cursor, present)
    finally:
        copy.close()
        source.close()


_LIBPQ = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
}


def _pg_env(using: str) -> dict[str, str]:
    """libpq's environment for the client programs: no password on a command line."""
    params = connections[using].get_connection_params()
    env = dict(os.environ)
    for key, var in _LIBPQ.items():
        if params.get(key):
            env[var] = str(params[key])
    return env


def pg_program(name: str) -> str:
    """`pg_dump`/`pg_restore`: PG_BIN_DIR, else the newest of Debian's
    /usr/lib/postgresql/*/bin (not older than the server), else the PATH."""
    folder = os.environ.get("PG_BIN_DIR")
    if folder:
        return str(Path(folder) / name)
    found = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return str(found[-1])
    return shutil.which(name) or name


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _pg_dump(using: str, target: Path) -> tuple[dict, dict]:
    """pg_dump in a snapshot exported by a transaction that reads the counts in it too."""
    import psycopg  # the PostgreSQL driver, only on PostgreSQL

    params = connections[using].get_connection_params()
    params = {
        k: v
        for k, v in params.items()
        if k in {"host", "port", "user", "password", "dbname", "sslmode"}
    }
    with psycopg.connect(**params, autocommit=False) as conn:
        cursor = conn.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        present = {row[0] for row in cursor.fetchall()}
        counts = _counts(cursor, using, present)
        applied = _applied(cursor, present)
        _run(
            [
                pg_program("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={target}",
            ],
            _pg_env(using),
        )
        conn.rollback()
    return counts, applied


# --- backup -----------------------------------------------------------------------------


def _wuyedesk_version() -> str:
    try:
        return metadata.version("wuyedesk")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup(output: Path, *, using: str = "default", storage=None) -> dict:
    """Write the archive to `output` (through a temporary name beside it, renamed when
    complete). Returns the manifest."""
    storage = storage or default_storage
    output = Path(output)
    vendor = vendor_of(using)
    db_name = DB_FILES[vendor]
    checksums: dict[str, str] = {}
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".wuyedesk-backup-") as work:
        dump = Path(work) / db_name
        created_at = timezone.now()
        dumper = _sqlite_dump if vendor == "sqlite" else _pg_dump
        counts, applied = dumper(using, dump)
        checksums[db_name] = _sha256_file(dump)
        partial = Path(work) / "archive.partial"
        media_files = media_bytes = 0
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(dump, arcname=db_name, recursive=False)
            for name in _media_names(storage):
                member = MEDIA + name
                with storage.open(name, "rb") as f:
                    size = storage.size(name)
                    info = tarfile.TarInfo(member)
                    info.size = size
                    info.mtime = int(created_at.timestamp())
                    reader = _HashingReader(f)
                    tar.addfile(info, reader)
                if reader.length != size:
                    raise BackupError(f"{name} changed while it was copied")
                checksums[member] = reader.digest.hexdigest()
                media_files += 1
                media_bytes += size
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "wuyedesk_version": _wuyedesk_version(),
                "created_at": created_at.isoformat(),
                "database": {"vendor": vendor, "file": db_name},
                "migrations": applied,
                "counts": counts,
                "media": {"files": media_files, "bytes": media_bytes},
                "checksums": checksums,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(created_at.timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    return manifest


# --- restore ----------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    """The archive's manifest after checking the SHA-256 of every member (one pass over the
    archive); BackupError when anything is missing, extra or different."""
    digests: dict[str, str] = {}
    manifest = None
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile():
                    raise BackupError(f"unexpected member in the archive: {member.name}")
                f = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(f.read())
                    continue
                digest = hashlib.sha256()
                while chunk := f.read(CHUNK):
                    digest.update(chunk)
                digests[member.name] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"not a readable backup archive: {error}") from error
    if not manifest or manifest.get("format") != FORMAT:
        raise BackupError("not a WuyeDesk backup archive (no manifest)")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError("the archive was made by a newer WuyeDesk; upgrade first")
    expected = manifest.get("checksums", {})
    for name, digest in sorted(expected.items()):
        if name not in digests:
            raise BackupError(f"checksum fails: {name} is missing from the archive")
        if digests[name] != digest:
            raise BackupError(f"checksum fails: {name}")
    extra = sorted(set(digests) - set(expected))
    if extra:
        raise BackupError(f"checksum fails: {extra[0]} is not in the manifest")
    return manifest


def _unknown_migrations(manifest: dict, using: str) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest.get("migrations", {}).items())
        for name in names
        if (app, name) not in known
    ]


def _present_tables(using: str) -> set[str]:
    with connections[using].cursor() as cursor:
        return set(connections[using].introspection.table_names(cursor))


def holds_data(using: str = "default") -> bool:
    """True when the database has a user, a community or a ticket. A new, migrated
    database is empty: it holds only what the migrations put there (content types,
    permissions, the standard survey questionnaire)."""
    present = _present_tables(using)
    with connections[using].cursor() as cursor:
        for label in DATA_MODELS:
            try:
                table = apps.get_model(label)._meta.db_table
            except LookupError:
                continue
            if table in present:
                cursor.execute(f"SELECT 1 FROM {_quote(using, table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def _extract(archive: Path, name: str, target: Path) -> None:
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if member.name == name:
                with tar.extractfile(member) as f, open(target, "wb") as out:
                    shutil.copyfileobj(f, out, CHUNK)
                return
    raise BackupError(f"{name} is missing from the archive")


def _sqlite_restore(using: str, dump: Path) -> None:
    connections[using].close()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(_sqlite_path(using))
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


# The schema's own functions (a migration's trigger functions: properties/0004), not those
# of an extension: the dump creates them again.
_OWN_FUNCTIONS = """
    SELECT p.oid::regprocedure::text FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema() AND NOT EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e'
    )
"""


def _pg_restore(using: str, dump: Path) -> None:
    """Every table and function of the target goes (it is empty, or --force said so), then
    pg_restore in one transaction."""
    connection = connections[using]
    tables = sorted(_present_tables(using))
    with connection.cursor() as cursor:
        if tables:
            names = ", ".join(_quote(using, table) for table in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
        cursor.execute(_OWN_FUNCTIONS)
        for (function,) in cursor.fetchall():  # regprocedure text: quoted where it must be
            cursor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    connection.close()
    _run(
        [
            pg_program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        _pg_env(using),
    )


def _check_counts(manifest: dict, using: str) -> None:
    present = _present_tables(using)
    with connections[using].cursor() as cursor:
        counts = _counts(cursor, using, present)
    for label, count in sorted(manifest.get("counts", {}).items()):
        if label in counts and counts[label] != count:
            raise BackupError(f"restored {counts[label]} rows of {label}, the archive says {count}")


def _restore_media(archive: Path, manifest: dict, storage) -> int:
    expected = manifest["checksums"]
    written = 0
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if not member.name.startswith(MEDIA):
                continue
            name = member.name[len(MEDIA) :]
            reader = _HashingReader(tar.extractfile(member))
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(reader, name=name))
            if saved != name or reader.digest.hexdigest() != expected[member.name]:
                raise BackupError(f"media file {name} was not written back as it was")
            written += 1
    return written


def clear_caches() -> None:
    """Django's caches (sessions' copies, the reference data's version, the versions of
    banners and unread counts) and this process' copy of the reference data."""
    for cache in caches.all(initialized_only=False):
        cache.clear()
    reference.forget_all()


def restore(
    archive: Path, *, using: str = "default", storage=None, force: bool = False
) -> Restored:
    storage = storage or default_storage
    archive = Path(archive)
    manifest = read_manifest(archive)
    vendor = vendor_of(using)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"the archive holds a {manifest['database']['vendor']} database, "
            f"this WuyeDesk uses {vendor}"
        )
    unknown = _unknown_migrations(manifest, using)
    if unknown:
        raise BackupError(
            f"the archive was made by a newer WuyeDesk (it has {unknown[0]}); upgrade first"
        )
    if not force and holds_data(using):
        raise BackupError("the database is not empty; restore into an empty one, or --force")
    db_name = manifest["database"]["file"]
    folder = Path(_sqlite_path(using)).parent if vendor == "sqlite" else None
    with tempfile.TemporaryDirectory(dir=folder, prefix=".wuyedesk-restore-") as work:
        dump = Path(work) / db_name
        _extract(archive, db_name, dump)
        if _sha256_file(dump) != manifest["checksums"][db_name]:
            raise BackupError(f"checksum fails: {db_name}")
        if vendor == "sqlite":
            _sqlite_restore(using, dump)
        else:
            _pg_restore(using, dump)
    _check_counts(manifest, using)
    with contextlib.redirect_stdout(io.StringIO()):
        loader = MigrationLoader(connections[using])
        pending = any(key not in loader.applied_migrations for key in loader.graph.leaf_nodes())
        call_command("migrate", database=using, interactive=False, verbosity=0)
    media_files = _restore_media(archive, manifest, storage)
    clear_caches()
    # Tasks queued before the restore name rows of the database as it was (a notification's
    # id may now be another one's): the queue starts empty.
    HUEY.flush()
    return Restored(manifest=manifest, media_files=media_files, migrated=pending)


def manifest_summary(manifest: dict) -> str:
    counts = manifest.get("counts", {})
    created = dt.datetime.fromisoformat(manifest["created_at"])
    return (
        f"{manifest['database']['vendor']} database of {created:%Y-%m-%d %H:%M:%S %Z}, "
        f"WuyeDesk {manifest['wuyedesk_version']}: "
        f"{counts.get('tickets.ticket', 0)} tickets, "
        f"{counts.get('tickets.attachment', 0)} attachments, "
        f"{counts.get('audit.auditentry', 0)} audit rows, "
        f"{manifest['media']['files']} media files ({manifest['media']['bytes']} bytes)"
    )
