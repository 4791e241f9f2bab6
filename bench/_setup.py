"""Shared start of every benchmark: a fresh data directory (SQLite) unless SOLDE_DATABASE_URL."""

from __future__ import annotations

import contextlib
import os
import random
import sys
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path


def django_ready(flush: bool = True) -> str:
    """Configure Django on a throwaway data directory, migrate; return the database vendor.
    PostgreSQL's database is flushed first unless `flush` is false (a case kept from an
    earlier run)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("SOLDE_DATA_DIR", tempfile.mkdtemp(prefix="solde-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "solde.config.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor == "postgresql" and flush:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return connection.vendor


_bits = random.Random(os.urandom(16)).getrandbits


def _uuid4_hex() -> str:
    """What uuid4().hex gives (version 4, RFC 4122 variant) at a tenth of its cost: a
    benchmark draws millions of public ids."""
    bits = (_bits(128) & ~(0xC000 << 48) & ~(0xF000 << 64)) | (0x8000 << 48) | (4 << 76)
    return f"{bits:032x}"


def _maker(field, convert):
    """(make, convert) for a field whose default is called per row. Both databases read
    a UUID from its 32 hex digits."""
    if field.default is uuid.uuid4:
        return _uuid4_hex, lambda value: value
    return field.default, convert


def rows_write(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert set-up rows as fast as the database takes them: COPY on PostgreSQL, one
    prepared executemany on SQLite. `rows` are tuples in `columns` order (attnames; the
    primary key may be one of them; a JSON field's value may be JSON text); every other
    field takes its default, called per row when callable (UUIDs). No save(), signals or
    checks: for a benchmark's own data only, inside the caller's transaction. Returns the
    number of rows written."""
    from django.core.management.color import no_style
    from django.db import connection, models
    from django.utils import timezone

    meta = model._meta
    fields = {f.attname: f for f in meta.concrete_fields}
    given = [fields[name] for name in columns]
    rest = [f for f in meta.concrete_fields if f.attname not in columns and not f.primary_key]

    def to_db(field):  # only these types have a database form other than Python's
        if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
            return lambda value: None if value is None else value.hex
        if isinstance(field, models.DateTimeField) and connection.vendor == "sqlite":
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.JSONField):  # text is taken as JSON already written
            return lambda value: (
                value
                if value is None or isinstance(value, str)
                else field.get_db_prep_save(value, connection)
            )
        return None

    converted = [(i, c) for i, c in enumerate(map(to_db, given)) if c]
    per_row = [f for f in rest if f.has_default() and callable(f.default)]
    made = [_maker(f, to_db(f) or (lambda value: value)) for f in per_row]
    fixed = []
    for f in rest:
        if f in per_row:
            continue
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        value = timezone.now() if auto else f.get_default()
        fixed.append(to_db(f)(value) if to_db(f) else value)
    order = given + per_row + [f for f in rest if f not in per_row]
    count = 0

    def full(row: Sequence) -> list:
        nonlocal count
        count += 1
        out = list(row)
        for i, convert in converted:
            out[i] = convert(out[i])
        out += [convert(make()) for make, convert in made]
        out += fixed
        return out

    quote = connection.ops.quote_name
    table, names = quote(meta.db_table), ", ".join(quote(f.column) for f in order)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(full(row))
            if meta.pk.attname in columns:  # later inserts take keys after these
                for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                    cursor.execute(sql)
        else:
            marks = ", ".join(["%s"] * len(order))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", map(full, rows))
    return count


@contextlib.contextmanager
def indexes_deferred(*models) -> Iterator[None]:
    """Drop these tables' secondary indexes while set-up rows are written and build them
    again at the end: sorting once is many times faster than keeping a dozen B-trees up
    to date row by row. Indexes behind primary keys and unique constraints stay."""
    from django.db import connection

    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({marks})",
                tables,
            )
        else:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
                " FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS"
                " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid"
                " AND c.contype IN ('p', 'u', 'x'))",
                [tables],
            )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in found:
            cursor.execute(sql)
