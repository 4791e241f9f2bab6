"""Writing tens of thousands of rows at once, for bank imports and matching runs.

Django's bulk_create and bulk_update compile every value of every row through the
query compiler (and bulk_update builds a CASE per field and row): at 100,000 bank lines
that costs more than the database's own work. These two functions send plain
parameterised statements instead, converting only the values whose database form
differs from Python's (UUIDs, JSON, date-times). They skip model `save()` methods and
signals: use them only for rows whose rules the caller checked (see payments.batch).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

MAX_ROWS_PER_STATEMENT = 2000


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


def _filler(field: models.Field, now, convert):
    """A function giving a left-out field's value, ready for the database: its default
    (converted once when it is a constant), now for auto_now fields."""
    if callable(field.default) and field.default is not models.NOT_PROVIDED:
        make = field.default
        return (lambda: convert(make())) if convert else make
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    constant = now if auto else field.get_default()
    ready = convert(constant) if convert else constant
    return lambda: ready


def insert_rows(model: type[models.Model], rows: Sequence[dict], *, returning: bool = False):
    """Insert rows given as {field attname: value}; a field left out takes its default
    (auto_now fields: now). Returns the new primary keys, in order, if asked."""
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, models.AutoField)]
    now = timezone.now()
    converters = [_converter(f) for f in fields]
    plan = [
        (f.attname, _filler(f, now, convert), convert)
        for f, convert in zip(fields, converters, strict=True)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(meta.db_table)

    def values(row: dict) -> list:
        out = []
        for name, fill, convert in plan:
            if name in row:
                value = row[name]
                out.append(convert(value) if convert else value)
            else:
                out.append(fill())
        return out

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
