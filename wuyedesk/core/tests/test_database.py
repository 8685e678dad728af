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
