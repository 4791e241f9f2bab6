"""Two workers running at once make each invoice once (real PostgreSQL: row locks)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections

from solde.core import clock
from solde.invoicing.models import Invoice
from solde.recurring.models import Occurrence
from solde.recurring.services import recurring_create, recurring_run
from tests.builders import line, make_company, make_customer

WORKERS = 4
TEMPLATES = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_make_each_missed_invoice_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SOLDE_DATABASE_URL is not a PostgreSQL URL")
    company = make_company("racing")
    customer = make_customer(company, email="a@racing.test")
    made_on, day = date(2026, 11, 20), date(2027, 2, 1)
    with clock.frozen(made_on):
        for index in range(TEMPLATES):
            recurring_create(
                company=company,
                customer=customer,
                lines=[line()],
                today=made_on,
                name=f"T{index}",
                start_date=made_on,
                mode="issue_and_send",
            )

    def run(_):
        try:
            with clock.frozen(day):
                return len(recurring_run(today=day).invoices)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        counts = list(pool.map(run, range(WORKERS)))

    # December, January and February for each template, made by whichever worker came first.
    assert sum(counts) == TEMPLATES * 3
    invoices = Invoice.objects.filter(company=company, origin="recurring")
    assert invoices.count() == TEMPLATES * 3
    assert Occurrence.objects.filter(company=company).exclude(invoice=None).count() == TEMPLATES * 3
