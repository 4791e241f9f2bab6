"""Properties of the figures over random ledgers played through the services:

- a figure as of yesterday does not change when a payment dated today is recorded;
- every point of the DSO trend equals the single-date figures at its month end;
- the database's sums agree with `core.kpis` applied invoice by invoice to the balances
  of the existing as-of query (`payments.queries.invoices_as_of`).
"""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, timedelta
from decimal import Decimal

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solde.core import clock
from solde.core import kpis as formulas
from solde.core.errors import SoldeError
from solde.core.money import quantize
from solde.invoicing.models import Invoice
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.queries import invoices_as_of
from solde.payments.services import allocation_undo, invoice_write_off, payment_record
from solde.reminders.models import Dispute
from solde.reminders.services import dispute_open, dispute_resolve
from solde.reports.kpis import customer_stats, dso_trend, kpis, summary
from tests.builders import line, make_company, make_customer, make_invoice

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)
START = date(2026, 5, 1)
ZERO = Decimal("0")
_slugs = itertools.count(1)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
invoices_spec = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 190), st.integers(0, 60), amounts),
    min_size=1,
    max_size=5,
)
EVENTS = [
    "settle",
    "settle",
    "pay",
    "credit",
    "write_off",
    "undo",
    "unallocated",
    "dispute",
    "resolve",
]
event = st.tuples(st.sampled_from(EVENTS), st.integers(0, 4), st.integers(0, 120), amounts)
events_spec = st.lists(event, max_size=7)
busy_events = st.lists(event, min_size=3, max_size=8)
PROPERTY = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _event(company, kind, invoice, amount) -> None:
    """One event on today's date (the caller freezes the clock on the event's day)."""
    day = clock.today()
    invoice.refresh_from_db()
    if kind == "settle":  # pay what is left, so the invoice is paid in full that day
        payment_record(company=company, amount=invoice.balance, date=day, invoices=[invoice])
    elif kind == "pay":
        payment_record(company=company, amount=amount, date=day, invoices=[invoice])
    elif kind == "unallocated":
        payment_record(company=company, amount=amount, date=day, customer=invoice.customer)
    elif kind == "credit":
        invoice_issue(
            invoice=credit_note_create(invoice=invoice, lines=[line(str(amount), rate="0")])
        )
    elif kind == "write_off":
        invoice_write_off(invoice=invoice, reason="Perte", bad_debt=True, amount=amount)
    elif kind == "dispute":
        dispute_open(invoice=invoice, reason="Contesté")
    elif kind == "resolve":
        dispute = Dispute.objects.filter(invoice=invoice, resolved_on=None).first()
        if dispute is not None:
            dispute_resolve(dispute=dispute, resolution="Réglé")
    else:
        allocation = invoice.allocations.filter(undone_on=None).last()
        if allocation is not None:
            allocation_undo(allocation=allocation, reason="Erreur")


def build_ledger(invoice_rows, event_rows):
    """Invoices issued in date order, then the events in date order, each on its day."""
    company = make_company(f"kprop{next(_slugs)}")
    customers = [make_customer(company) for _ in range(2)]
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
        # E.g. paying more than is left or a second open dispute: refused, nothing changes.
        with clock.frozen(day), contextlib.suppress(SoldeError):
            _event(company, kind, invoice, amount)
    return company


def _figures(company, day: date, days: int):
    return (
        summary(company, day),
        kpis(company, day, days),
        customer_stats(company, day),
        dso_trend(company, day, months=3, days=days),
    )


@PROPERTY
@given(
    invoice_rows=invoices_spec,
    event_rows=events_spec,
    amount=amounts,
    days=st.sampled_from([30, 90]),
    to_invoice=st.booleans(),
)
def test_todays_payment_leaves_yesterday_as_it_was(
    invoice_rows, event_rows, amount, days, to_invoice
):
    company = build_ledger(invoice_rows, event_rows)
    yesterday = TODAY - timedelta(days=1)
    before = _figures(company, yesterday, days)
    open_ = Invoice.objects.for_company(company).receivable().filter(balance__gt=0).order_by("pk")
    target = open_.first()
    if to_invoice and target is not None:
        payment_record(
            company=company, amount=min(amount, target.balance), date=TODAY, invoices=[target]
        )
    else:
        customer = Invoice.objects.for_company(company).order_by("pk").first().customer
        payment_record(company=company, amount=amount, date=TODAY, customer=customer)
    assert _figures(company, yesterday, days) == before


@PROPERTY
@given(invoice_rows=invoices_spec, event_rows=events_spec, days=st.sampled_from([30, 90]))
def test_trend_points_equal_the_figures_at_their_dates(invoice_rows, event_rows, days):
    company = build_ledger(invoice_rows, event_rows)
    for point in dso_trend(company, TODAY, months=8, days=days):
        k = kpis(company, point.month_end, days)
        assert (point.receivables, point.invoiced, point.dso) == (k.receivables, k.invoiced, k.dso)
        assert point.receivables == summary(company, point.month_end).receivables


def _disputed_ids(company, day: date) -> set[int]:
    return {
        d.invoice_id
        for d in Dispute.objects.for_company(company)
        if d.opened_on <= day and (d.resolved_on is None or d.resolved_on > day)
    }


def _records(company, start: date, end: date) -> list[formulas.PaidInvoice]:
    rows = (
        Invoice.objects.for_company(company)
        .receivable()
        .filter(status=Invoice.PAID, issue_date__lte=end)
    )
    return [
        formulas.PaidInvoice(i.issue_date, i.due_date or i.issue_date, i.paid_on)
        for i in rows
        if i.paid_on is not None and start <= i.paid_on <= end
    ]


@PROPERTY
@given(invoice_rows=invoices_spec, event_rows=busy_events, days=st.sampled_from([30, 90, 180]))
def test_sums_agree_with_the_formulas_invoice_by_invoice(invoice_rows, event_rows, days):
    company = build_ledger(invoice_rows, event_rows)
    for back in (0, 40, 100):
        _check_against_the_formulas(company, TODAY - timedelta(days=back), days)


def _check_against_the_formulas(company, day: date, days: int) -> None:
    k = kpis(company, day, days)
    disputed = _disputed_ids(company, day)
    balances = [
        (i.pk, i.due_date, quantize(i.balance_as_of, i.currency))  # SQLite computes in floats
        for i in invoices_as_of(company, day)
    ]
    assert k.receivables == sum((b for _, _, b in balances), ZERO)
    assert k.not_due == sum((b for _, due, b in balances if due >= day), ZERO)
    assert k.overdue == k.receivables - k.not_due
    assert k.disputed == sum((b for pk, _, b in balances if pk in disputed), ZERO)
    items = [(due, b, pk in disputed) for pk, due, b in balances]
    assert k.doubtful_ratio == formulas.doubtful_ratio(items, day)
    start, _ = formulas.dso_window(day, days)
    records = _records(company, start, day)
    assert k.invoices_paid == len(records)
    assert k.on_time_rate == formulas.on_time_rate(records)
    assert k.average_days_to_pay == formulas.average_days_to_pay(records)
    assert k.average_days_late == formulas.average_days_late(records)
    hypothesis.event(f"disputed: {bool(k.disputed)}, paid: {bool(records)}")
    everyone = customer_stats(company, day, start=start)
    assert sum(s.invoices_paid for s in everyone.values()) == k.invoices_paid
    assert sum((s.balance for s in everyone.values()), ZERO) == k.receivables
    assert sum((s.overdue for s in everyone.values()), ZERO) == k.overdue
