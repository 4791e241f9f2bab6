"""The invoices behind a figure add up to the figure, on random ledgers played through the
services (tests/reports/test_aging_properties.build_ledger): for every bucket, the overdue
part and the total, for the company and for each customer, at any date,

- Σ of the listed balances at that date = `open_total` = the figure of `queries.aging`;
- each listed balance is the invoice's balance at that date (`payments.queries`), not zero;
- a drill-down as of yesterday does not change when today's payment is recorded.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core.errors import ValidationError
from solde.customers.models import Customer
from solde.invoicing.models import Invoice
from solde.payments.queries import invoice_balance
from solde.payments.services import payment_record
from solde.reports.drilldown import OVERDUE, bucket_choices, open_invoices, open_total
from solde.reports.queries import aging
from tests.reports.test_aging_properties import (
    PROPERTY,
    TODAY,
    amounts,
    build_ledger,
    events_spec,
    invoices_spec,
)

pytestmark = pytest.mark.django_db


def listed(company, day, **scope) -> list[tuple[int, Decimal]]:
    return [(i.pk, i.balance_as_of) for i in open_invoices(company=company, as_of=day, **scope)]


def figure(report, bucket) -> Decimal:
    if bucket is None:
        return report.total
    if bucket == OVERDUE:
        return report.total - report.buckets["not_due"]
    return report.buckets[bucket]


@PROPERTY
@given(invoice_rows=invoices_spec, event_rows=events_spec, back=st.integers(0, 200))
def test_the_invoices_behind_each_figure_add_up_to_it(invoice_rows, event_rows, back):
    company = build_ledger(invoice_rows, event_rows)
    day = TODAY - timedelta(days=back)
    report = aging(company=company, as_of=day)
    rows = {row.code: row for row in report.rows}
    for bucket in (*bucket_choices(), None):
        invoices = listed(company, day, bucket=bucket)
        total = open_total(company=company, as_of=day, bucket=bucket)
        assert sum((b for _, b in invoices), Decimal(0)) == total == figure(report, bucket)
        for pk, balance in invoices:
            assert balance == invoice_balance(Invoice.objects.get(pk=pk), day) != 0
        for customer in Customer.objects.for_company(company):
            mine = open_total(company=company, as_of=day, bucket=bucket, customer=customer)
            expected = figure(rows[customer.code], bucket) if customer.code in rows else 0
            assert mine == expected


@PROPERTY
@given(invoice_rows=invoices_spec, event_rows=events_spec, amount=amounts)
def test_todays_payment_leaves_yesterdays_drilldown_as_it_was(invoice_rows, event_rows, amount):
    company = build_ledger(invoice_rows, event_rows)
    yesterday = TODAY - timedelta(days=1)
    before = {b: listed(company, yesterday, bucket=b) for b in bucket_choices()}
    open_ = Invoice.objects.for_company(company).receivable().filter(balance__gt=0).first()
    if open_ is not None:
        payment_record(company=company, amount=amount, date=TODAY, invoices=[open_])
    assert {b: listed(company, yesterday, bucket=b) for b in bucket_choices()} == before


def test_an_unknown_bucket_is_refused(company):
    with pytest.raises(ValidationError):
        open_total(company=company, as_of=date(2026, 11, 20), bucket="late")
