"""The deadline's computation and the late-recording flag (#14 points 4 and 5, CMP-1).

SQLite adds a NOT NULL column by rebuilding the ticket table, which drops the full-text
triggers of 0002_search_index: they are made again (and the index rebuilt) at the end.
"""

from importlib import import_module

from django.conf import settings
from django.db import migrations, models

search_index = import_module("wuyedesk.tickets.migrations.0002_search_index")
TRIGGERS = [sql for sql in search_index.SQLITE if sql.startswith("CREATE TRIGGER")]
DROP_TRIGGERS = [sql for sql in search_index.SQLITE_REVERSE if "TRIGGER" in sql]


def restore_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in [*DROP_TRIGGERS, *TRIGGERS]:
        schema_editor.execute(sql)
    schema_editor.execute("INSERT INTO tickets_ticket_fts(tickets_ticket_fts) VALUES ('rebuild')")


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0002_company_security_settings"),
        ("tickets", "0008_transfer_notes_internal"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="clock_basis",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="ticket",
            name="late_notified_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="ticket",
            name="recorded_late",
            field=models.BooleanField(default=False, editable=False, verbose_name="迟登记"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("recorded_late", True)),
                fields=["community", "-id"],
                name="ticket_late_idx",
            ),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
    ]
