"""Full-text index over Ticket.search_text (CJK bigrams, see wuyedesk/lib/search.py).

SQLite: an FTS5 table kept in step by triggers. PostgreSQL: a GIN index over
to_tsvector('simple', search_text).
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE tickets_ticket_fts USING fts5(search_text, content='tickets_ticket', "
    "content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER tickets_ticket_fts_ai AFTER INSERT ON tickets_ticket BEGIN "
    "INSERT INTO tickets_ticket_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER tickets_ticket_fts_ad AFTER DELETE ON tickets_ticket BEGIN "
    "INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER tickets_ticket_fts_au AFTER UPDATE OF search_text ON tickets_ticket BEGIN "
    "INSERT INTO tickets_ticket_fts(tickets_ticket_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO tickets_ticket_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS tickets_ticket_fts_au",
    "DROP TRIGGER IF EXISTS tickets_ticket_fts_ad",
    "DROP TRIGGER IF EXISTS tickets_ticket_fts_ai",
    "DROP TABLE IF EXISTS tickets_ticket_fts",
]
POSTGRES = [
    "CREATE INDEX ticket_search_gin ON tickets_ticket "
    "USING gin (to_tsvector('simple', search_text))"
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS ticket_search_gin"]


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
