"""`reports.behaviour` against its definition, computed in Python from every row.

`open_items` and `paid_history` read only what may be open or has changed since the date
(`payments.queries.maybe_open_on`, the undone allocations' index, the caches): on random
ledgers played through the services (test_aging_properties' ledgers: partial payments,
credit notes, write-offs, undone allocations) and at random past dates, they give what
adding up every allocation of every invoice gives. Query counts stay fixed (2 each).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solde.core import clock
from solde.core.forecast import PaidRecord, recent_history
from solde.core.money import quantize
from solde.invoicing.models import Invoice
from solde.payments.models import Allocation
from solde.payments.services import allocation_undo, payment_record
from solde.reports.behaviour import HISTORY_DAYS, OpenInvoice, open_items, paid_history
from tests.builders import line, make_customer, make_invoice
from tests.reports.test_aging_properties import (
    PROPERTY,
    TODAY,
    build_ledger,
    events_spec,
    invoices_spec,
)

pytestmark = pytest.mark.django_db

ZERO = Decimal("0")


def _active(allocations, day: date) -> list[Allocation]:
    return [a for a in allocations if a.date <= day and (a.undone_on is None or a.undone_on > day)]


def _receivable(company, day: date):
    invoices = Invoice.objects.for_company(company).receivable().filter(issue_date__lte=day)
    allocations: dict[int, list[Allocation]] = {}
    for a in Allocation.objects.for_company(company):
        allocations.setdefault(a.invoice_id, []).append(a)
    for invoice in invoices.order_by("pk"):
        yield invoice, _active(allocations.get(invoice.pk, []), day)


def expected_open(company, day: date) -> list[OpenInvoice]:
    found = []
    for invoice, active in _receivable(company, day):
        left = invoice.total - sum((a.amount for a in active), ZERO)
        if left > ZERO:
            found.append(
                OpenInvoice(
                    id=invoice.pk,
                    customer_id=invoice.customer_id,
                    currency=invoice.currency,
                    due_date=invoice.due_date or invoice.issue_date,
                    balance=quantize(left, invoice.currency),
                    disputed=False,
                )
            )
    return found


def expected_paid(company, day: date, count: int) -> list[tuple]:
    """Paid in full at `day` (not wholly by credit notes, no bad debt), on the date of the
    last allocation in force then, within HISTORY_DAYS: `count` per customer."""
    records = []
    for invoice, active in _receivable(company, day):
        settled = sum((a.amount for a in active), ZERO)
        credited = sum((a.amount for a in active if a.kind == Allocation.CREDIT_NOTE), ZERO)
        if not active or settled != invoice.total or credited == invoice.total:
            continue
        if any(a.bad_debt for a in active):
            continue
        paid_on = max(a.date for a in active)
        if paid_on > day - timedelta(days=HISTORY_DAYS):
            due = invoice.due_date or invoice.issue_date
            records.append(PaidRecord(customer=invoice.customer_id, due_date=due, paid_on=paid_on))
    recent = recent_history(records, day, count)
    return sorted(_key(r) for rs in recent.values() for r in rs)


def _key(record: PaidRecord) -> tuple:
    return (record.customer, record.paid_on, record.due_date)


@PROPERTY
@given(
    invoice_rows=invoices_spec,
    event_rows=events_spec,
    back=st.integers(0, 200),
    count=st.integers(1, 3),
)
def test_open_items_and_paid_history_match_every_allocation(invoice_rows, event_rows, back, count):
    company = build_ledger(invoice_rows, event_rows)
    day = TODAY - timedelta(days=back)
    assert open_items(company, day) == expected_open(company, day)
    got = sorted(_key(r) for r in paid_history(company, day, count=count))
    assert got == expected_paid(company, day, count)


def test_a_payment_undone_after_the_date_counts_as_it_was_then(company, django_assert_num_queries):
    """Paid in full on 03-10, undone on 03-20: paid (not open) as of 03-19, the day
    before, open as of 03-25. An invoice in USD is open too, in its own currency."""
    customer = make_customer(company)
    eur = make_invoice(
        company,
        customer,
        lines=[line("100", rate="0")],
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 5),
    )
    usd = make_invoice(
        company,
        customer,
        lines=[line("40", rate="0")],
        issue_date=date(2026, 3, 2),
        due_date=date(2026, 3, 31),
        currency="USD",
    )
    with clock.frozen(date(2026, 3, 10)):
        payment_record(
            company=company, amount=Decimal("100"), date=date(2026, 3, 10), invoices=[eur]
        )
    with clock.frozen(date(2026, 3, 20)):
        allocation_undo(allocation=eur.allocations.get(), reason="Rejected")
    with django_assert_num_queries(2):  # open disputes, the invoices that may be open
        then = open_items(company, date(2026, 3, 19))
    assert [(i.id, i.currency, i.balance) for i in then] == [(usd.pk, "USD", Decimal("40.00"))]
    with django_assert_num_queries(2):  # the unchanged paid invoices, the rebuilt ones
        paid = paid_history(company, date(2026, 3, 19))
    assert paid == [PaidRecord(customer.pk, date(2026, 3, 5), date(2026, 3, 10))]
    after = open_items(company, date(2026, 3, 25))
    assert [(i.id, i.balance) for i in after] == [
        (eur.pk, Decimal("100.00")),
        (usd.pk, Decimal("40.00")),
    ]
    assert paid_history(company, date(2026, 3, 25)) == []


def test_an_invoice_paid_to_the_cent_in_parts_is_not_open(company):
    """0.70 + 0.10 of 0.80 by 03-06; the 0.10 undone and paid again on 03-10, so as of
    03-08 the invoice is read (undone since) and its allocations added up. SQLite adds
    decimal columns up as floats (0.7999…): the balance is worked out exactly, so the
    invoice is not open with 0.00 left (nor overdue for the risk score)."""
    invoice = make_invoice(
        company,
        lines=[line("0.80", rate="0")],
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 2),
    )
    for amount, day in (("0.70", date(2026, 3, 5)), ("0.10", date(2026, 3, 6))):
        with clock.frozen(day):
            payment_record(company=company, amount=Decimal(amount), date=day, invoices=[invoice])
    with clock.frozen(date(2026, 3, 10)):
        allocation_undo(allocation=invoice.allocations.get(amount=Decimal("0.10")))
        payment_record(
            company=company, amount=Decimal("0.10"), date=date(2026, 3, 10), invoices=[invoice]
        )
    assert [i.balance for i in open_items(company, date(2026, 3, 5))] == [Decimal("0.10")]
    assert open_items(company, date(2026, 3, 8)) == []
