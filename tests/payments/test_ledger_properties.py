"""Properties of the ledger over random sequences of invoices, credit notes, payments,
allocations, write-offs and undos, played day after day through the services.

After every step:
- each invoice's balance = total − allocated − credited − written off (active allocations);
- no payment is allocated beyond its amount, no credit note beyond its total;
- no invoice balance is negative;
- the database's balances as of every earlier day are what they were on that day
  (what happens later never changes the past);
- a customer's balance = Σ open invoice balances − unallocated payments − unapplied credit.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from solde.core import clock
from solde.core.errors import Conflict
from solde.invoicing.models import Invoice
from solde.invoicing.services import credit_note_create, invoice_issue
from solde.payments.models import Allocation, Payment
from solde.payments.queries import customer_balances, invoice_balance
from solde.payments.services import (
    allocation_create,
    allocation_undo,
    invoice_write_off,
    payment_cancel,
    payment_record,
)
from tests.builders import line, make_company, make_customer, make_invoice

pytestmark = pytest.mark.django_db(transaction=False)

START = date(2026, 1, 5)
ZERO = Decimal("0")
prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("900"), places=2)
rates = st.sampled_from(["20", "10", "5.5", "0"])
_slugs = itertools.count(1)


class Ledger(RuleBasedStateMachine):
    @initialize()
    def setup(self):
        self.day = START
        self.company = make_company(f"prop{next(_slugs)}")
        self.customers = [make_customer(self.company) for _ in range(2)]
        self.history: dict[date, dict] = {}

    def teardown(self):
        clock.set_today(None)

    def _today(self):
        clock.set_today(self.day)

    def _invoices(self):
        return list(Invoice.objects.for_company(self.company).receivable().order_by("pk"))

    def _open(self):
        return [i for i in self._invoices() if i.balance > ZERO]

    @rule(days=st.integers(1, 5))
    def next_day(self, days):
        """Close the day: its balances are history from now on."""
        self.history[self.day] = self._snapshot(self.day)
        self.day += timedelta(days=days)

    @rule(who=st.integers(0, 1), price=prices, qty=st.integers(1, 3), rate=rates)
    def issue_invoice(self, who, price, qty, rate):
        self._today()
        make_invoice(
            self.company,
            self.customers[who],
            lines=[line(str(price), str(qty), rate)],
            issue_date=self.day,
        )

    @precondition(lambda self: self.company and self._open())
    @rule(data=st.data(), amount=prices, count=st.integers(1, 3))
    def pay_invoices(self, data, amount, count):
        self._today()
        customer = data.draw(st.sampled_from(self.customers))
        targets = [i for i in self._open() if i.customer_id == customer.pk][:count]
        payment_record(
            company=self.company, amount=amount, date=self.day, invoices=targets, customer=customer
        )

    @precondition(
        lambda self: (
            self.company
            and Payment.objects.filter(company=self.company, unallocated__gt=0).exists()
            and self._open()
        )
    )
    @rule(data=st.data())
    def use_credit(self, data):
        self._today()
        payment = data.draw(
            st.sampled_from(
                list(Payment.objects.filter(company=self.company, unallocated__gt=0).order_by("pk"))
            )
        )
        targets = [i for i in self._open() if i.customer_id == payment.customer_id]
        if targets:
            allocation_create(payment=payment, invoice=targets[0])

    @precondition(lambda self: self.company and self._open())
    @rule(data=st.data(), part=st.booleans())
    def credit_note(self, data, part):
        self._today()
        invoice = data.draw(st.sampled_from(self._open()))
        lines = [line("0.01", rate="0")] if part else None
        try:
            invoice_issue(invoice=credit_note_create(invoice=invoice, lines=lines))
        except Exception as exc:  # a full credit on an already credited invoice is refused
            assert "exceeds" in str(exc)

    @precondition(
        lambda self: (
            self.company
            and Allocation.objects.filter(company=self.company, undone_on__isnull=True).exists()
        )
    )
    @rule(data=st.data())
    def undo(self, data):
        self._today()
        allocation = data.draw(
            st.sampled_from(
                list(
                    Allocation.objects.filter(
                        company=self.company, undone_on__isnull=True
                    ).order_by("pk")
                )
            )
        )
        allocation_undo(allocation=allocation, reason="test")

    @precondition(lambda self: self.company and self._open())
    @rule(data=st.data(), bad_debt=st.booleans())
    def write_off(self, data, bad_debt):
        self._today()
        invoice = data.draw(st.sampled_from(self._open()))
        try:
            invoice_write_off(invoice=invoice, reason="test", bad_debt=bad_debt)
        except Conflict:
            assert not bad_debt and invoice.balance > self.company.write_off_tolerance

    @precondition(
        lambda self: (
            self.company
            and Payment.objects.filter(company=self.company, cancelled_on__isnull=True).exists()
        )
    )
    @rule(data=st.data())
    def cancel_payment(self, data):
        self._today()
        payment = data.draw(
            st.sampled_from(
                list(
                    Payment.objects.filter(
                        company=self.company, cancelled_on__isnull=True
                    ).order_by("pk")
                )
            )
        )
        payment_cancel(payment=payment, reason="test")

    def _snapshot(self, day: date) -> dict:
        invoices = {i.pk: invoice_balance(i, day) for i in self._invoices() if i.issue_date <= day}
        customers = {
            (r.customer_id, r.currency): (r.receivable, r.credit)
            for r in customer_balances(self.company, day)
        }
        return {"invoices": invoices, "customers": customers}

    @invariant()
    def balances_come_from_allocations(self):
        if not getattr(self, "company", None):
            return
        for invoice in self._invoices():
            active = invoice.allocations.filter(undone_on__isnull=True)
            sums = {
                kind: active.filter(kind=kind).aggregate(s=Sum("amount"))["s"] or ZERO
                for kind in ("payment", "credit_note", "write_off")
            }
            assert invoice.balance == (
                invoice.total - sums["payment"] - sums["credit_note"] - sums["write_off"]
            )
            assert invoice.balance >= ZERO
            assert invoice.balance == invoice_balance(invoice, self.day)

    @invariant()
    def nothing_is_allocated_beyond_its_source(self):
        if not getattr(self, "company", None):
            return
        for payment in Payment.objects.filter(company=self.company):
            used = (
                payment.allocations.filter(undone_on__isnull=True).aggregate(s=Sum("amount"))["s"]
                or ZERO
            )
            assert used <= payment.amount
            assert payment.unallocated == (ZERO if payment.cancelled_on else payment.amount - used)
        for note in Invoice.objects.filter(company=self.company, kind="credit_note"):
            applied = (
                note.applications.filter(undone_on__isnull=True).aggregate(s=Sum("amount"))["s"]
                or ZERO
            )
            assert ZERO <= note.balance == note.total - applied

    @invariant()
    def the_past_does_not_change(self):
        if not getattr(self, "company", None):
            return
        for day, seen in self.history.items():
            assert self._snapshot(day) == seen, f"balances as of {day} changed"

    @invariant()
    def customer_balance_is_open_invoices_less_credit(self):
        if not getattr(self, "company", None):
            return
        for row in customer_balances(self.company, self.day):
            open_sum = sum(
                (i.balance for i in self._invoices() if i.customer_id == row.customer_id), ZERO
            )
            payments = Payment.objects.filter(company=self.company, customer_id=row.customer_id)
            notes = Invoice.objects.filter(
                company=self.company, customer_id=row.customer_id, kind="credit_note"
            )
            credit = sum((p.unallocated for p in payments), ZERO) + sum(
                (n.balance for n in notes), ZERO
            )
            assert (row.receivable, row.credit) == (open_sum, credit)


Ledger.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
Ledger.company = None


def test_ledger_properties(db):
    Ledger.TestCase("runTest").runTest()
