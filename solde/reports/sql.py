"""Two small SQL functions the figures need, written for SQLite and PostgreSQL.

Django's own date functions (TruncMonth, ExtractMonth) call back into Python once per
row on SQLite; these use each database's native functions so that a million invoices
are grouped by the database engine alone.
"""

from __future__ import annotations

from django.db import NotSupportedError
from django.db.models import CharField, Func, IntegerField


class _Portable(Func):
    """A function with one SQL template per supported database."""

    sqlite_template = postgresql_template = ""

    def as_sql(self, compiler, connection, **extra):  # pragma: no cover - other databases
        raise NotSupportedError(f"{type(self).__name__} runs on SQLite and PostgreSQL only.")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template=self.sqlite_template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template=self.postgresql_template, **extra)


class DaysBetween(_Portable):
    """end − start in whole days, for two dates (negative when end comes first)."""

    arity = 2
    output_field = IntegerField()
    sqlite_template = "CAST(julianday(%(expressions)s) AS INTEGER)"
    postgresql_template = "(%(expressions)s)"

    def as_sqlite(self, compiler, connection, **extra):
        # julianday(end) - julianday(start): both at midnight, so the difference is whole.
        return super().as_sqlite(compiler, connection, arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_postgresql(compiler, connection, arg_joiner=" - ", **extra)


class MonthOf(_Portable):
    """A date's calendar month as text, "2026-11"."""

    arity = 1
    output_field = CharField()
    # %%%% → %% in the SQL, which Django's SQLite backend turns into the % strftime reads.
    sqlite_template = "strftime('%%%%Y-%%%%m', %(expressions)s)"
    postgresql_template = "to_char(%(expressions)s, 'YYYY-MM')"
