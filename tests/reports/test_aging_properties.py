"""Properties of the aged balance over random ledgers played through the services:

- the buckets add up to the total, and the rows add up to the company's buckets;
- the total equals the sum of the open balances at that date given by the existing as-of
  query (`payments.queries.invoices_as_of`), customer by customer too, and the credit is
  `customer_balances`' credit;
- a figure as of yesterday does not change when today's payment is recorded.
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core import clock
from solde.core.errors import SoldeError
from solde.core.money import quantize
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.queries import customer_balances, invoices_as_of
from solde.payments.services import allocation_undo, invoice_write_off, payment_record
from solde.reports.queries import aging
from tests.builders import line, make_company, make_customer, make_invoice

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
START = date(2026, 5, 1)
ZERO = Decimal("0")
_slugs = itertools.count(1)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
invoices_spec = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 190), st.integers(0, 60), amounts),
    min_size=1,
    max_size=5,
)
events_spec = st.lists(
    st.tuples(
        st.sampled_from(["pay", "credit", "write_off", "undo", "unallocated"]),
        st.integers(0, 4),
        st.integers(0, 60),
        amounts,
    ),
    max_size=6,
)
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _event(company, kind, invoice, day, amount) -> None:
    """One settlement on `day`, played with today frozen there, as it would have been."""
    with clock.frozen(day):
        if kind == "pay":
            payment_record(company=company, amount=amount, date=day, invoices=[invoice])
        elif kind == "unallocated":
            payment_record(company=company, amount=amount, date=day, customer=invoice.customer)
        elif kind == "credit":
            note = credit_note_create(invoice=invoice, lines=[line(str(amount), rate="0")])
            invoice_issue(invoice=note)
        elif kind == "write_off":
            invoice_write_off(invoice=invoice, reason="Perte", bad_debt=True, amount=amount)
        else:
            allocation = invoice.allocations.filter(undone_on=None).last()
            if allocation is not None:
                allocation_undo(allocation=allocation, reason="Erreur")


def build_ledger(invoice_rows, event_rows):
    """Invoices issued in date order (chronological numbers), then settlements in date order."""
    company = make_company(f"prop{next(_slugs)}")
    customers = [make_customer(company, segment=s) for s in ("a", "b", "")]
    issued = []
    for who, offset, terms, amount in sorted(invoice_rows, key=lambda r: r[1]):
        day = START + timedelta(days=offset)
        issued.append(
            make_invoice(
                company,
                customers[who],
                lines=[line(str(amount), rate="0")],
                issue_date=day,
                due_date=day + timedelta(days=terms),
            )
        )
    planned = []
    for kind, index, after, amount in event_rows:
        invoice = issued[index % len(issued)]
        planned.append(
            (min(invoice.issue_date + timedelta(days=after), TODAY), kind, invoice, amount)
        )
    for day, kind, invoice, amount in sorted(planned, key=lambda p: p[0]):
        # E.g. writing off more than is left: the ledger refuses it and nothing changes.
        with contextlib.suppress(SoldeError):
            _event(company, kind, invoice, day, amount)
    return company


def open_balances(company, day) -> dict[int, Decimal]:
    rows = (
        invoices_as_of(company, day)
        .filter(currency=company.currency)
        .order_by()
        .values("customer_id")
        .annotate(s=Sum("balance_as_of"))
    )
    # SQLite sums decimal columns as floats: the reference is quantized like the report.
    sums = {r["customer_id"]: quantize(r["s"] or ZERO, company.currency) for r in rows}
    return {customer: s for customer, s in sums.items() if s}


@PROPERTY
@given(invoice_rows=invoices_spec, event_rows=events_spec, back=st.integers(0, 200))
def test_buckets_add_up_and_match_the_open_balances(invoice_rows, event_rows, back):
    company = build_ledger(invoice_rows, event_rows)
    day = TODAY - timedelta(days=back)
    report = aging(company=company, as_of=day)
    assert report.total == sum(report.buckets.values())
    for label in report.labels:
        assert sum(r.buckets[label] for r in report.rows) == report.buckets[label]
    assert all(v >= ZERO for r in report.rows for v in r.buckets.values())
    balances = open_balances(company, day)
    assert report.total == sum(balances.values(), ZERO)
    codes = {c.pk: c.code for c in company_customers(company)}
    assert {r.code: r.total for r in report.rows if r.total} == {
        codes[pk]: total for pk, total in balances.items()
    }
    credit = {codes[b.customer_id]: b.credit for b in customer_balances(company, day) if b.credit}
    assert {r.code: r.credit for r in report.rows if r.credit} == credit
    by_segment = aging(company=company, as_of=day, by="segment")
    assert (by_segment.buckets, by_segment.credit) == (report.buckets, report.credit)


def company_customers(company):
    from solde.customers.models import Customer

    return Customer.objects.for_company(company)


@PROPERTY
@given(invoice_rows=invoices_spec, event_rows=events_spec, amount=amounts)
def test_todays_payment_leaves_yesterday_as_it_was(invoice_rows, event_rows, amount):
    company = build_ledger(invoice_rows, event_rows)
    yesterday = TODAY - timedelta(days=1)
    before, today_before = (
        aging(company=company, as_of=yesterday),
        aging(company=company, as_of=TODAY),
    )
    customer = company_customers(company).order_by("pk").first()
    open_ = [i for i in customer_invoices(company, customer) if i.balance > ZERO]
    payment_record(
        company=company, amount=amount, date=TODAY, customer=customer, invoices=open_[:1]
    )
    assert aging(company=company, as_of=yesterday) == before
    after = aging(company=company, as_of=TODAY)
    # Today's payment either settles receivables or becomes credit, nothing else.
    assert (today_before.total - after.total) + (after.credit - today_before.credit) == amount


def customer_invoices(company, customer):
    from solde.invoicing.models import Invoice

    return Invoice.objects.for_company(company).receivable().filter(customer=customer)
