"""Fresh planner statistics after a migration, on PostgreSQL.

A migration that adds a column (with its default) or a partial index leaves PostgreSQL
without statistics for it until autovacuum's next ANALYZE, which a table of a million
unchanged rows may not get for days. Meanwhile the planner guesses: at 1,000,000 tickets the
manager's count of open tickets recorded late (`recorded_late`, added by a migration, none
true) scanned the 105,000 open tickets through another index, 170 ms, instead of the empty
partial index `ticket_late_idx`, 0.02 ms (bench/README.md, issue #12 Speed). So `migrate`
ends with ANALYZE when it applied anything. SQLite keeps no such statistics unless asked.
"""

from django.db import connections


def analyze_after_migrate(sender, *, using, plan=None, **kwargs):
    if not plan:  # nothing applied (or a test's flush)
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
