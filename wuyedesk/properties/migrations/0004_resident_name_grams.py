"""The residents' name grams (properties.models.ResidentNameGram), written by triggers.

Each insert, rename or delete of a resident rewrites its rows of every two adjacent
characters of the name, in lower case by the database's own lower() (the search lowers
what is typed with the same function). Existing residents are indexed here once.
SQLite has no generate_series: the positions are a VALUES list as long as the longest
name (Resident.name's max_length).
"""

import django.db.models.deletion
from django.db import migrations, models

NAME_LENGTH = 50
GRAMS = "properties_residentnamegram"
_POSITIONS = "(VALUES " + ", ".join(f"({i})" for i in range(1, NAME_LENGTH)) + ") AS p"


def _sqlite_grams_of(row: str) -> str:
    return (
        f"INSERT OR IGNORE INTO {GRAMS} (gram, resident_id) "  # noqa: S608 (constants only)
        f"SELECT lower(substr({row}.name, p.column1, 2)), {row}.id FROM {_POSITIONS} "
        f"WHERE p.column1 < length({row}.name)"
    )


SQLITE = [
    f"CREATE TRIGGER {GRAMS}_ai AFTER INSERT ON properties_resident BEGIN "
    f"{_sqlite_grams_of('new')}; END",
    f"CREATE TRIGGER {GRAMS}_au AFTER UPDATE OF name ON properties_resident BEGIN "  # noqa: S608
    f"DELETE FROM {GRAMS} WHERE resident_id = old.id; {_sqlite_grams_of('new')}; END",
    f"CREATE TRIGGER {GRAMS}_ad AFTER DELETE ON properties_resident BEGIN "  # noqa: S608
    f"DELETE FROM {GRAMS} WHERE resident_id = old.id; END",
    f"INSERT OR IGNORE INTO {GRAMS} (gram, resident_id) "  # noqa: S608
    f"SELECT lower(substr(r.name, p.column1, 2)), r.id FROM properties_resident AS r, "
    f"{_POSITIONS} WHERE p.column1 < length(r.name)",
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {GRAMS}_{t}" for t in ("ai", "au", "ad")]

POSTGRES = [
    f"""CREATE FUNCTION {GRAMS}_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM {GRAMS} WHERE resident_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO {GRAMS} (gram, resident_id)
    SELECT lower(substr(NEW.name, i, 2)), NEW.id
    FROM generate_series(1, char_length(NEW.name) - 1) AS i
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$""",  # noqa: S608
    f"CREATE TRIGGER {GRAMS}_write AFTER INSERT OR DELETE OR UPDATE OF name "
    f"ON properties_resident FOR EACH ROW EXECUTE FUNCTION {GRAMS}_write()",
    f"INSERT INTO {GRAMS} (gram, resident_id) "  # noqa: S608
    f"SELECT lower(substr(r.name, i, 2)), r.id FROM properties_resident AS r, "
    f"generate_series(1, {NAME_LENGTH - 1}) AS i WHERE i < char_length(r.name) "
    f"ON CONFLICT DO NOTHING",
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER IF EXISTS {GRAMS}_write ON properties_resident",
    f"DROP FUNCTION IF EXISTS {GRAMS}_write()",
]


def run(statements):
    def apply(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("properties", "0003_company_rate_metrics"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResidentNameGram",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "gram",
                        "resident",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("gram", models.CharField(max_length=2)),
                (
                    "resident",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="properties.resident",
                    ),
                ),
            ],
        ),
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
