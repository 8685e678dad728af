import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_it_was_asked_for():
    """scripts/test.sh sets WUYEDESK_EXPECT_DB, so a run can never silently fall back to SQLite."""
    expected = os.environ.get("WUYEDESK_EXPECT_DB")
    if expected is None:
        pytest.skip("not run through scripts/test.sh")
    assert connection.vendor == expected


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    # The test database is in memory (no WAL there), so check the configured pragmas instead.
    options = connection.settings_dict["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


@pytest.mark.django_db
def test_postgresql_loads_timestamps_with_psycopgs_c_loader():
    """core/postgresql: the same aware UTC values as Django's own loader, parsed in C."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import datetime

    import psycopg
    from psycopg.pq import Format

    with connection.cursor() as cursor:
        cursor.execute("SELECT '2026-03-01 12:00:00+08'::timestamptz, NULL::timestamptz")
        value, empty = cursor.fetchone()
        oid = psycopg.adapters.types["timestamptz"].oid
        loader = cursor.cursor.adapters.get_loader(oid, Format.TEXT)
    assert value == datetime.datetime(2026, 3, 1, 4, 0, tzinfo=datetime.UTC)
    assert value.tzinfo is datetime.UTC
    assert empty is None
    if psycopg.pq.__impl__ != "python":
        assert loader.__module__.startswith("psycopg_binary")
