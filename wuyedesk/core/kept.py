"""Queries compiled once per connection and run again by their parameters alone.

Building a queryset and compiling it to SQL costs the ORM about a millisecond, often more
than the database takes to answer it; on PostgreSQL, planning a statement of several joins
can cost more again. The few reads every request of a busy path makes (the caller's token,
the row an id names, a page of ticket rows) are written here as an ordinary queryset, but
compiled once per connection and kept: on PostgreSQL also PREPAREd, so planned a few
times per session, not per request (bench/README.md).

    token = kept.first(
        "token-by-digest",
        lambda digest: ApiToken.objects.select_related("user").filter(digest=digest),
        digest,
    )

`build` is called once per connection and shape of arguments, with placeholders in place
of the arguments: ints, strings, or lists of ints (whose length is part of the shape). Its
queryset may use them in filters only; constants of its own stay as written. Model rows
come back as instances with their select_related rows, `values()` rows as dicts.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery

_STATEMENTS = "_wuyedesk_kept"
_PREPARED = "_wuyedesk_kept_prepared"
# Placeholders no real id or text can be: negative ints far beyond any key, and NUL strings.
_INT_BASE = -(10**15)
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


@dataclass
class _Statement:
    name: str
    sql: str
    slots: list  # per SQL parameter: (argument, item) to take, or (None, None, constant)
    compiler: object
    converters: dict
    make: Callable  # database rows → instances or dicts
    execute: str


def fetch(key, build: Callable, *args) -> list:
    """The rows of `build(*args)`, by the statement kept for `key` on this connection."""
    if not all(map(_storable, args)):
        return []  # an id beyond any key column: nothing, as the ORM answers it
    statement = _statement(key, build, args)
    params = [
        constant if arg is None else (args[arg] if item is None else args[arg][item])
        for arg, item, constant in statement.slots
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _prepare(cursor, statement)
            cursor.execute(statement.execute, params)
        else:
            cursor.execute(statement.sql, params)
        fetched = cursor.fetchall()
    rows = fetched
    if statement.converters:
        rows = statement.compiler.apply_converters(fetched, statement.converters)
    return statement.make(rows)


def first(key, build: Callable, *args):
    """The first row of `fetch`, or None."""
    found = fetch(key, build, *args)
    return found[0] if found else None


def insert(instance) -> None:
    """INSERT a new model instance as `save(force_insert=True)` would, by a statement kept
    per connection and model, for the rows a busy path writes on every request (a ticket and
    its first timeline row). Models with save signals or parents are refused: their save()
    does more than one INSERT."""
    model = type(instance)
    statement = _insert_statement(model)
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for field in statement.fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        if statement.returning:  # INSERT … RETURNING the key
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias


@dataclass
class _Insert:
    sql: str
    fields: list
    returning: bool


def _insert_statement(model) -> _Insert:
    statements = _kept(_STATEMENTS)
    key = ("insert", model._meta.label)
    found = statements.get(key)
    if found is None:
        meta = model._meta
        if meta.parents or pre_save.has_listeners(model) or post_save.has_listeners(model):
            raise ValueError(f"{meta.label} is saved with more than one INSERT")
        fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
        query = InsertQuery(model)
        query.insert_values(fields, [model()])
        compiler = query.get_compiler(connection=connections[DEFAULT_DB_ALIAS])
        returning = connection.features.can_return_columns_from_insert
        compiler.returning_fields = [meta.pk] if returning else None
        [(sql, _params)] = compiler.as_sql()
        found = _Insert(sql=sql, fields=fields, returning=returning)
        statements[key] = found
    return found


def _kept(name: str) -> dict:
    """This thread's own store on its connection. (`django.db.connection` is a proxy shared
    by every thread: what is set on it directly is shared too, and a statement prepared on
    one thread's session would count as prepared on another's.)"""
    return connections[DEFAULT_DB_ALIAS].__dict__.setdefault(name, {})


def _storable(arg) -> bool:
    if isinstance(arg, list):
        return all(map(_storable, arg))
    return not isinstance(arg, int) or _INT_MIN <= arg <= _INT_MAX


def _shape(args) -> tuple:
    return tuple(len(arg) if isinstance(arg, list) else type(arg).__name__ for arg in args)


def _placeholders(args) -> tuple[list, dict]:
    """Stand-ins for `args` and, for each, where it came from."""
    made, where = [], {}
    counter = 0

    def one(value, arg, item):
        nonlocal counter
        counter += 1
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(f"kept statements take ints and strings, not {type(value).__name__}")
        stand_in = _INT_BASE - counter if isinstance(value, int) else f"\x00kept{counter}\x00"
        where[stand_in] = (arg, item)
        return stand_in

    for index, arg in enumerate(args):
        if isinstance(arg, list):
            made.append([one(value, index, item) for item, value in enumerate(arg)])
        else:
            made.append(one(arg, index, None))
    return made, where


def _statement(key, build: Callable, args) -> _Statement:
    statements = _kept(_STATEMENTS)
    full_key = (key, _shape(args))
    found = statements.get(full_key)
    if found is None:
        stand_ins, where = _placeholders(args)
        queryset = build(*stand_ins)
        query = queryset.query
        compiler = query.get_compiler(connection=connections[DEFAULT_DB_ALIAS])
        sql, params = compiler.as_sql()
        slots, used = [], set()
        for param in params:
            if isinstance(param, int | str) and param in where:  # an argument, maybe again
                slots.append((*where[param], None))
                used.add(param)
            else:
                slots.append((None, None, param))
        if len(used) != len(where):
            raise ValueError(f"kept statement {key!r} does not use all of its arguments")
        if queryset._iterable_class is ValuesIterable and query.values_select:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]

            def make(rows):
                return [dict(zip(names, row, strict=True)) for row in rows]

        elif queryset._iterable_class is ModelIterable:
            make = _instances(compiler)
        else:
            raise ValueError("kept statements read model rows or values() of named fields")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        name = f"wuyedesk_kept_{len(statements)}"
        found = _Statement(
            name=name,
            sql=sql,
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters(fields),
            make=make,
            execute=f"EXECUTE {name}" + (f"({', '.join(['%s'] * len(params))})" if params else ""),
        )
        statements[full_key] = found
    return found


def _prepare(cursor, statement: _Statement) -> None:
    """PREPARE the statement on this database session unless it already has it (a
    connection closed after CONN_MAX_AGE comes back as a new session)."""
    session = connection.connection
    prepared = _kept(_PREPARED)
    if prepared.get(statement.name) is session:
        return
    count = len(statement.slots)
    text = statement.sql % tuple(f"${i}" for i in range(1, count + 1))
    cursor.execute(f"PREPARE {statement.name} AS {text}")
    prepared[statement.name] = session


def _instances(compiler) -> Callable:
    """What makes model instances of rows as the ORM's own iterator does, select_related
    rows included; worked out once per statement."""
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    db = connection.alias
    populators = get_related_populators(klass_info, select, db)
    annotations = list(compiler.annotation_col_map.items())

    def make(rows) -> list:
        made = []
        for row in rows:
            instance = model.from_db(db, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for attr, position in annotations:
                setattr(instance, attr, row[position])
            made.append(instance)
        return made

    return make
