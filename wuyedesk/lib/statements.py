"""Hand-written reads for the few queries every request runs, and the rows of a list page.

Django's ORM compiles a queryset into SQL each time it is evaluated. For most reads that
is noise; for the ones on every request it is most of their cost. Measured for issue #13
(median CPU in-process, the 1,000,000-ticket SQLite bench database): the session's user
with its staff record by the ORM 0.28 ms, of which the compile is 0.2; the API token with
its user, staff and resident 0.6 ms; the room and the category of a new ticket 0.5 ms
each; the fifty rows of a list page by `values()` 1.6 ms, 0.7 of it compiling the joins.
Together they cost the queue pages, the list API and creation 15-40 % of their ratio to
the `/healthz` floor against statements compiled once (bench/README.md), more than the 10 %
issue #13 allows the standard way to lose, so these few reads are written here once:

- `Statement` reads one model's rows and the rows it names one-to-one or by foreign key,
  the way `select_related` does, in one SELECT written from the models' public `_meta`
  (tables, columns, relations) when it is first used, run through `connection.cursor()`.
  Rows become instances with `Model.from_db` (what the ORM itself calls to load a row)
  and are joined by assigning the related object (`user.staff = staff`), so instances,
  `save()`, signals and related descriptors behave as the ORM's do.
- `values_by_ids` reads `values(*names)` rows of a list page's ids the same way.

What the database returns is converted as Django's backends do for these field types: a
naive datetime from SQLite (it stores UTC) made aware, a decimal made `Decimal`, a field's
own `from_db_value` (JSON). Tests (tickets/tests/test_statements.py, on SQLite and PostgreSQL)
hold each statement equal to its ORM queryset, field by field, for every column type the
models use. Everything else reads through the ORM.
"""

import datetime as dt
import decimal
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections


def is_key(value) -> bool:
    """Can `value` be a row's key? An integer a 64-bit column holds: anything else finds
    nothing, as the ORM's lookups find nothing for it, instead of failing in the driver."""
    return type(value) is int and -(2**63) <= value < 2**63


def _concrete(model) -> list:
    """The model's columns, in the order `Model.from_db` takes them."""
    return [
        f
        for f in model._meta.get_fields()
        if f.concrete and not f.many_to_many and getattr(f, "column", None)
    ]


def _converter(model_field):
    """value from the database → value as the ORM loads it, or None when they are the same."""
    kind = model_field.get_internal_type()
    steps = []
    if kind == "DateTimeField" and settings.USE_TZ:

        def aware(value):
            if isinstance(value, str):  # a column SQLite did not declare as datetime
                value = dt.datetime.fromisoformat(value)
            if value.tzinfo is None:  # SQLite stores UTC without an offset
                value = value.replace(tzinfo=dt.UTC)
            return value

        steps.append(aware)
    elif kind == "DecimalField":
        steps.append(lambda value: decimal.Decimal(str(value)))
    elif kind == "BooleanField":
        steps.append(bool)
    from_db = getattr(model_field, "from_db_value", None)
    if from_db is not None:
        steps.append(lambda value: from_db(value, None, None))
    if not steps:
        return None

    def convert(value):
        if value is None:
            return None
        for step in steps:
            value = step(value)
        return value

    return convert


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class _Part:
    """One model in a statement: its alias, columns, and where its instance attaches."""

    model: type
    alias: str
    fields: list
    parent: int | None = None  # index of the part it hangs from
    attribute: str = ""  # the parent's attribute it is assigned to
    optional: bool = False  # joined LEFT: the row may be missing
    converters: list = field(default_factory=list)


class Statement:
    """`model.objects.select_related(*related).filter(<where>)` as one hand-written SELECT.

    `where` is SQL over the aliases `t0` (the model) and `t1`, `t2` … (the related rows, in
    the order `related` names them, a path's steps in order), with `%s` parameters, and
    `order` an ORDER BY over them;
    `extra` are more selected expressions, name → (SQL, Python type), given to each
    instance as attributes (an annotation; SQLite answers a boolean as 0 or 1). Forward
    foreign keys and one-to-ones join INNER when the column is NOT NULL and LEFT otherwise;
    a reverse one-to-one (`user.staff`) joins LEFT. A missing forward row is known absent
    (`user.resident` is None without a query); a missing reverse one is not (Django has no
    public way to record it), so reading it queries once, as without `select_related`."""

    def __init__(
        self, model, *related: str, where: str, order: str = "", extra: dict | None = None
    ):
        self.model = model
        self.related = related
        self.where = where
        self.order = order
        self.extra = extra or {}
        self._sql = None
        self._parts: list[_Part] = []

    def _build(self) -> str:
        parts = [_Part(self.model, "t0", _concrete(self.model))]
        joins = []
        by_path = {"": 0}
        for path in self.related:
            prefix = ""
            for name in path.split("__"):
                step = f"{prefix}__{name}" if prefix else name
                if step in by_path:
                    prefix = step
                    continue
                parent = parts[by_path[prefix]]
                relation = parent.model._meta.get_field(name)
                target = relation.related_model
                alias = f"t{len(parts)}"
                if relation.concrete:  # forward: the parent holds the key
                    # Below an optional row everything is optional.
                    kind = "LEFT" if relation.null or parent.optional else "INNER"
                    on = (
                        f"{alias}.{_quote(target._meta.pk.column)} = "
                        f"{parent.alias}.{_quote(relation.column)}"
                    )
                else:  # reverse one-to-one: the related row holds the key
                    kind = "LEFT"
                    on = (
                        f"{alias}.{_quote(relation.field.column)} = "
                        f"{parent.alias}.{_quote(parent.model._meta.pk.column)}"
                    )
                joins.append((kind, f"{_quote(target._meta.db_table)} {alias} ON {on}"))
                parts.append(
                    _Part(target, alias, _concrete(target), by_path[prefix], name, kind == "LEFT")
                )
                by_path[step] = len(parts) - 1
                prefix = step
        columns = []
        for part in parts:
            part.converters = [_converter(f) for f in part.fields]
            columns += [f"{part.alias}.{_quote(f.column)}" for f in part.fields]
        columns += [f"{sql} AS {_quote(name)}" for name, (sql, _type) in self.extra.items()]
        self._parts = parts
        table = _quote(self.model._meta.db_table)
        sql = f"SELECT {', '.join(columns)} FROM {table} t0"  # noqa: S608  (names from _meta)
        for kind, join in joins:
            sql += f" {kind} JOIN {join}"
        sql = f"{sql} WHERE {self.where}"
        return f"{sql} ORDER BY {self.order}" if self.order else sql

    def sql(self) -> str:
        if self._sql is None:
            self._sql = self._build()
        return self._sql

    def first(self, params, *, using: str = "default"):
        """The first row's instance (with its related instances), or None."""
        found = self.all(params, using=using, limit=1)
        return found[0] if found else None

    def all(self, params, *, using: str = "default", limit: int | None = None) -> list:
        sql = self.sql()
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [self._load(row, using) for row in rows]

    def _load(self, row, using):
        instances = []
        start = 0
        for part in self._parts:
            end = start + len(part.fields)
            values = row[start:end]
            start = end
            if part.parent is not None and values[0] is None and part.fields[0].primary_key:
                instance = None  # no related row (a LEFT JOIN found none)
            else:
                values = [
                    value if convert is None else convert(value)
                    for value, convert in zip(values, part.converters, strict=True)
                ]
                instance = part.model.from_db(using, [f.attname for f in part.fields], values)
            instances.append(instance)
            if part.parent is not None and instances[part.parent] is not None:
                setattr(instances[part.parent], part.attribute, instance)
        first = instances[0]
        for (name, (_sql, kind)), value in zip(self.extra.items(), row[start:], strict=True):
            setattr(first, name, value if value is None else kind(value))
        return first


class ValuesByIds:
    """`model.objects.filter(pk__in=ids).values(*names)` as one hand-written SELECT: a
    list page's rows once its ids are known. Names follow foreign keys with `__` as
    `values()` does (LEFT joins)."""

    def __init__(self, model, names):
        self.model = model
        self.names = tuple(names)
        self._sql = None
        self._converters = None

    def _build(self) -> str:
        joins: dict[str, tuple[str, str]] = {}  # path → (alias, join)
        columns, converters = [], []
        for name in self.names:
            *path, last = name.split("__")
            model, alias, prefix = self.model, "t0", ""
            for step in path:
                relation = model._meta.get_field(step)
                prefix = f"{prefix}__{step}" if prefix else step
                target = relation.related_model
                if prefix not in joins:
                    new = f"t{len(joins) + 1}"
                    on = (
                        f"{new}.{_quote(target._meta.pk.column)} = "
                        f"{alias}.{_quote(relation.column)}"
                    )
                    joins[prefix] = (
                        new,
                        f"LEFT JOIN {_quote(target._meta.db_table)} {new} ON {on}",
                    )
                alias = joins[prefix][0]
                model = target
            column = model._meta.get_field(last)
            columns.append(f"{alias}.{_quote(column.column)}")
            converters.append(_converter(column))
        self._converters = converters
        pk = _quote(self.model._meta.pk.column)
        table = _quote(self.model._meta.db_table)
        sql = f"SELECT {', '.join(columns)} FROM {table} t0 "  # noqa: S608  (names from _meta)
        sql += " ".join(join for _alias, join in joins.values())
        return sql + f" WHERE t0.{pk} IN "

    def __call__(self, ids, *, using: str = "default") -> list[dict]:
        """The rows of `ids` (in no particular order), as dicts of `names`."""
        ids = list(ids)
        if not ids:
            return []
        if self._sql is None:
            self._sql = self._build()
        sql = self._sql + "(" + ", ".join(["%s"] * len(ids)) + ")"
        with connections[using].cursor() as cursor:
            cursor.execute(sql, ids)
            rows = cursor.fetchall()
        names, converters = self.names, self._converters
        return [
            {
                name: value if convert is None or value is None else convert(value)
                for name, value, convert in zip(names, row, converters, strict=True)
            }
            for row in rows
        ]
