"""Two workers matching the same lines at once record each payment once (real PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections
from django.db.models import Sum

from solde.banking.matching import lines_match
from solde.banking.models import BankLine
from solde.banking.services import statement_import
from solde.core import clock
from solde.payments.models import Allocation, Payment
from tests.banking.statements import camt, credit
from tests.builders import make_company, make_customer, make_invoice

WORKERS = 4
INVOICES = 30
DAY = date(2026, 11, 20)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_never_pay_twice():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SOLDE_DATABASE_URL is not a PostgreSQL URL")
    with clock.frozen(DAY):
        company = make_company("concurrent-bank")
        customer = make_customer(company, "DUPONT", name="Dupont SARL")
        invoices = [make_invoice(company, customer) for _ in range(INVOICES)]
        lines = [
            credit(
                f"{inv.total}", f"FACTURE {inv.number}", name="DUPONT SARL", ref=f"R{n}", day=DAY
            )
            for n, inv in enumerate(invoices)
        ]
        statement_import(company=company, data=camt(lines), file_name="s.xml", match=False)

    def run(_):
        try:
            with clock.frozen(DAY):
                return lines_match(company=company).auto
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        autos = list(pool.map(run, range(WORKERS)))

    assert sum(autos) == INVOICES, autos
    assert BankLine.objects.filter(company=company, status="matched").count() == INVOICES
    assert Payment.objects.filter(company=company, source="bank").count() == INVOICES
    for invoice in invoices:
        paid = Allocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
        invoice.refresh_from_db()
        assert (paid, invoice.balance) == (invoice.total, 0)
