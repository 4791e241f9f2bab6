"""Numbers stay gapless and unique when many issuers work at once (real PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections

from solde.core import clock
from solde.invoicing.models import Invoice
from solde.invoicing.services import invoice_issue
from tests.builders import make_company, make_customer, make_invoice

THREADS = 16
PER_THREAD = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_issue_gapless_unique_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SOLDE_DATABASE_URL is not a PostgreSQL URL")
    company = make_company("concurrent")
    customer = make_customer(company)
    drafts = [make_invoice(company, customer, issue=False) for _ in range(THREADS * PER_THREAD)]
    day = date(2026, 11, 20)

    def issue(chunk):
        try:
            with clock.frozen(day):
                return [invoice_issue(invoice=draft, issue_date=day).number for draft in chunk]
        finally:
            connections.close_all()

    chunks = [drafts[i::THREADS] for i in range(THREADS)]
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        numbers = [n for batch in pool.map(issue, chunks) for n in batch]

    assert len(numbers) == len(set(numbers)) == THREADS * PER_THREAD
    stored = sorted(Invoice.objects.filter(company=company).values_list("number", flat=True))
    assert stored == [f"FA-2026-{seq:05d}" for seq in range(1, THREADS * PER_THREAD + 1)]
