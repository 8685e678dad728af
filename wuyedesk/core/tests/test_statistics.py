"""PostgreSQL planner settings: `migrate` ends with ANALYZE when it applied a migration
(core/statistics.py); connections run without JIT (settings, DB_JIT)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics"),
]


def _analyzed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'tickets_ticket'"
        )
        return cursor.fetchone()[0]


def _migrated(plan):
    core = apps.get_app_config("core")
    post_migrate.send(
        sender=core,
        app_config=core,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=plan,
    )


def test_a_migration_applied_leaves_fresh_statistics():
    before = _analyzed()
    _migrated([])  # nothing applied: nothing done
    assert _analyzed() == before
    _migrated([("a migration", False)])
    assert _analyzed() == before + 1


def test_connections_run_without_jit():
    """Settings (DB_JIT unset): each connection starts with jit=off."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
