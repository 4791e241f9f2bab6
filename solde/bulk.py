"""Writing tens of thousands of rows at once, for bank imports and matching runs.

Django's bulk_create and bulk_update compile every value of every row through the
query compiler (and bulk_update builds a CASE per field and row): at 100,000 bank lines
that costs more than the database's own work. These two functions send plain
parameterised statements instead, converting only the values whose database form
differs from Python's (UUIDs, JSON, date-times). They skip model `save()` methods and
signals: use them only for rows whose rules the caller checked (see payments.batch).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence

from django.db import connection, models
from django.db.models.expressions import RawSQL
from django.utils import timezone

MAX_ROWS_PER_STATEMENT = 2000


def among(values: Iterable[int | str]) -> RawSQL:
    """For `field__in=among(values)`, values all integers or all strings: they go as one
    parameter (a JSON or array list) instead of one parameter each, which Django compiles
    one by one (about 20 µs a value, seconds over a bank run's hundreds of thousands)."""
    values = list(values)
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    kind = "text" if values and isinstance(values[0], str) else "bigint"
    return RawSQL(f"SELECT unnest(%s::{kind}[])", [values])


def _converter(field: models.Field):
    """How a Python value becomes the parameter this database takes, or None: as it is."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else ops.adapt_json_value(value, field.encoder)
    if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
        return lambda value: None if value is None else value.hex
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    return None


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535  # PostgreSQL's protocol limit on a statement's parameters


def _row_maker(fields: list[models.Field], given: set[str]):
    """A function turning a row dict into the statement's parameters. The rows of one call
    give the same fields: those go in as given (converted where needed); the others take
    their default, converted once when it is a constant (auto_now fields: now)."""
    now = timezone.now()
    template, taken, made = [], [], []
    for position, field in enumerate(fields):
        convert = _converter(field)
        if field.attname in given:
            template.append(None)
            taken.append((position, field.attname, convert))
        elif callable(field.default) and field.default is not models.NOT_PROVIDED:
            template.append(None)
            made.append((position, field.default, convert))
        else:
            auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            value = now if auto else field.get_default()
            template.append(convert(value) if convert else value)

    def values(row: dict) -> list:
        out = template.copy()
        for position, name, convert in taken:
            out[position] = convert(row[name]) if convert else row[name]
        for position, make, convert in made:
            out[position] = convert(make()) if convert else make()
        return out

    return values


def insert_rows(model: type[models.Model], rows: Sequence[dict], *, returning: bool = False):
    """Insert rows given as {field attname: value}, every row naming the same fields; a
    field left out takes its default (auto_now fields: now). Returns the new primary keys,
    in order, if asked."""
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, models.AutoField)]
    values = _row_maker(fields, set(rows[0]))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(meta.db_table)

    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", map(values, rows))
            return []
        ids = []
        per_statement = max(1, min(MAX_ROWS_PER_STATEMENT, _max_params() // len(fields)))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            params = [value for row in chunk for value in values(row)]
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([one] * len(chunk))
            cursor.execute(f"{sql} RETURNING {quote(meta.pk.column)}", params)
            ids += [found[0] for found in cursor.fetchall()]
        return ids


def update_rows(
    model: type[models.Model], fields: list[str], rows: Iterable[tuple[int, list]]
) -> None:
    """Set `fields` (names) of each (pk, values) row with one prepared UPDATE for all rows.
    A foreign key's value is the related row's key."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    converters = [_converter(f) for f in columns]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in columns),
        quote(meta.pk.column),
    )
    params = [
        [
            convert(value) if convert else value
            for convert, value in zip(converters, values, strict=True)
        ]
        + [pk]
        for pk, values in rows
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)


@contextlib.contextmanager
def bulk_session() -> Iterator[None]:
    """A run of many writing transactions (a bank import): on SQLite the write-ahead log
    is copied back into the database once at the end rather than after every few
    commits, each copy costing a flush of the whole file. Nothing changes elsewhere."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(before)}")
            if not connection.in_atomic_block:  # a checkpoint cannot run inside one
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
