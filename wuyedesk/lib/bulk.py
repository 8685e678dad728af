"""Bulk inserts for seeding and benchmarks: plain executemany on SQLite, COPY on PostgreSQL.

Rows are tuples of plain values with explicit ids (from next_ids); afterwards
reset_sequences makes PostgreSQL's id sequences continue after them.
"""

import datetime as dt
import json

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max


def next_ids(model, count: int) -> list[int]:
    start = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return list(range(start, start + count))


def insert_rows(model, names: list[str], rows: list[tuple], batch: int = 5000) -> None:
    """Plain INSERT … executemany for the big tables.

    bulk_create spends most of a 100,000-household seed preparing each field of each model
    instance; rows here are already plain values, so only dates, times and decimals are
    converted (once per column) by the field itself.
    """
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  (names from model meta, quoted)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    convert = [
        i
        for i, f in enumerate(fields)
        if f.get_internal_type() in {"DateField", "DateTimeField", "DecimalField"}
    ]
    as_json = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    if as_json:
        rows = [
            tuple(json.dumps(v, ensure_ascii=False) if i in as_json else v for i, v in enumerate(r))
            for r in rows
        ]
    if connection.vendor == "postgresql":  # COPY is PostgreSQL's bulk path; psycopg adapts values
        copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
        )
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    prepared = {}  # (column, value) -> database value; dates and times repeat a lot
    aware_datetimes = {i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"}

    def prep(i, value):
        if i in aware_datetimes and value is not None:
            # What Django's SQLite backend stores: naive UTC, str() of the datetime.
            return str(value.astimezone(dt.UTC).replace(tzinfo=None))
        key = (i, value)
        if key not in prepared:
            prepared[key] = fields[i].get_db_prep_save(value, connection)
        return prepared[key]

    with connection.cursor() as cursor:
        # A big page cache for the duration: index pages of large tables stay in memory
        # instead of being re-read from the WAL for every batch.
        cursor.execute("PRAGMA cache_size = -262144")
        for offset in range(0, len(rows), batch):
            chunk = rows[offset : offset + batch]
            if convert:
                chunk = [list(row) for row in chunk]
                for row in chunk:
                    for i in convert:
                        row[i] = prep(i, row[i])
            cursor.executemany(sql, chunk)


def reset_sequences(*models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
