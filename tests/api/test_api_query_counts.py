"""Lists cost the same number of queries for 1 row as for 10: no query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from solde.banking.services import statement_import
from solde.customers.services import customer_create
from solde.invoicing.quotes import quote_create
from solde.payments.services import payment_record
from tests.banking.statements import camt, credit
from tests.builders import line, make_invoice

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/customers/",
    "/api/v1/invoices/",
    "/api/v1/credit-notes/",
    "/api/v1/quotes/",
    "/api/v1/payments/",
    "/api/v1/allocations/",
    "/api/v1/balances/",
    "/api/v1/balances/invoices/",
    "/api/v1/bank-lines/",
]


def add_rows(company, n: int) -> None:
    from solde.invoicing.services import invoice_cancel

    for _ in range(n):
        customer = customer_create(
            company=company,
            name="C",
            ibans=["FR7630006000011234567890189"],
            contacts=[{"email": "a@b.test"}],
        )
        invoice = make_invoice(company, customer, lines=[line(), line(rate="5.5")])
        payment_record(company=company, amount="10", date=invoice.issue_date, invoices=[invoice])
        invoice_cancel(invoice=make_invoice(company, customer), reason="x")
        quote_create(company=company, customer=customer, lines=[line()])
        statement = camt([credit(f"{invoice.total}", "VIREMENT", day=invoice.issue_date)])
        statement_import(company=company, data=statement, file_name=f"{customer.pk}.xml")


def count(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", URLS)
def test_no_query_per_row(api, company, url):
    add_rows(company, 1)
    one = count(api, url)
    add_rows(company, 9)
    assert count(api, url) == one, url
