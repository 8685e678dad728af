"""Drop three foreign-key indexes that a composite index already serves (each write of a
ticket or timeline row updated them for nothing, bench/README.md):

- tickets_ticket(community_id): ticket_community_idx (community_id, id DESC);
- tickets_ticket(resident_id): ticket_resident_idx (resident_id, id DESC);
- tickets_ticketevent(ticket_id): event_ticket_idx (ticket_id, at).

The model state changes by AlterField; the database only drops the indexes, since SQLite
would otherwise rebuild the whole ticket table (and lose its full-text triggers).
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("tickets_ticket_community_id_b586e0dc", 'tickets_ticket ("community_id")'),
    ("tickets_ticket_resident_id_e5072913", 'tickets_ticket ("resident_id")'),
    ("tickets_ticketevent_ticket_id_b572d14b", 'tickets_ticketevent ("ticket_id")'),
]


STATE = [
    migrations.AlterField(
        model_name="ticket",
        name="community",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="+",
            to="properties.community",
            verbose_name="小区",
        ),
    ),
    migrations.AlterField(
        model_name="ticket",
        name="resident",
        field=models.ForeignKey(
            blank=True,
            db_index=False,
            null=True,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="tickets",
            to="properties.resident",
            verbose_name="客户",
        ),
    ),
    migrations.AlterField(
        model_name="ticketevent",
        name="ticket",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.CASCADE,
            related_name="events",
            to="tickets.ticket",
        ),
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0001_initial"),
        ("tickets", "0006_community_open_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(f"DROP INDEX IF EXISTS {name}", f"CREATE INDEX {name} ON {table}")
                for name, table in INDEXES
            ],
            state_operations=STATE,
        )
    ]
