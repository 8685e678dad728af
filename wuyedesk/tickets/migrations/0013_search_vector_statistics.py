"""PostgreSQL: sample the tickets' words ten times wider, so the planner knows a rare word.

A search lists the newest matches (ORDER BY id DESC LIMIT n). The planner chooses between
walking the primary key backwards, checking each ticket against the words (fast for a common
word), and reading the word's rows from the GIN index and sorting them (fast for a rare one).
It knows a word's share only when the word is among the column's most common elements, which
the statistics target bounds; any other word it guessed at about 1 ticket in 1,000. At the
default target (100) a rare or absent word, a name (张伟: 147 tickets) or a typo, walked all
1,000,000 tickets of the bench data: 40-400 ms instead of 1-3 ms (issue #12,
bench/README.md). At 1000 the list of common elements is ten times longer and the guess for
the rest ten times smaller. ANALYZE of the table reads 300,000 sampled rows instead of 30,000
(about 7 s at 1,000,000 tickets, in autovacuum's background). SQLite's FTS5 table is
unaffected.
"""

from django.db import migrations

STATISTICS = 1000


def run(target):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                "ALTER TABLE tickets_ticket ALTER COLUMN search_vector "
                f"SET STATISTICS {int(target)}"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("tickets", "0012_home_count_indexes")]

    # -1: the server's default_statistics_target again.
    operations = [migrations.RunPython(run(STATISTICS), run(-1))]
