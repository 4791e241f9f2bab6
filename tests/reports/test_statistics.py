"""The planner's statistics: SQLite gets them after migrations and every night."""

from datetime import date

import pytest
from django.db import connection

from solde.payments.tasks import check_all_caches
from solde.reports.statistics import after_migrate, refresh_statistics
from tests.builders import make_invoice

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's autovacuum analyses by itself"
)


def analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@sqlite_only
def test_an_empty_ledger_is_left_to_sqlite_defaults():
    assert refresh_statistics() is False
    assert "invoicing_invoice" not in analysed_tables()


@sqlite_only
def test_migrations_on_a_ledger_with_invoices_analyse_it(company, customer):
    make_invoice(company, customer, issue_date=date(2026, 11, 2))
    after_migrate(sender=None, using="default")
    assert "invoicing_invoice" in analysed_tables()


@sqlite_only
def test_the_nightly_job_analyses_the_grown_ledger(company, customer):
    make_invoice(company, customer, issue_date=date(2026, 11, 2))
    check_all_caches.call_local()
    assert "invoicing_invoice" in analysed_tables()


@pytest.mark.skipif(connection.vendor == "sqlite", reason="the PostgreSQL side")
def test_postgresql_is_left_to_autovacuum(company, customer):
    make_invoice(company, customer, issue_date=date(2026, 11, 2))
    assert refresh_statistics() is False
