"""Payments: full, partial, grouped and excess; customer credit; undo; write-offs."""

from datetime import date
from decimal import Decimal

import pytest

from solde.core import clock
from solde.core.errors import Conflict, ValidationError
from solde.invoicing.queries import display_status
from solde.payments.models import Allocation
from solde.payments.queries import customer_balance, invoice_balance
from solde.payments.services import (
    allocation_create,
    allocation_undo,
    invoice_write_off,
    payment_cancel,
    payment_record,
)
from tests.builders import line, make_customer, make_invoice

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def invoice(company, customer):  # 120.00 TTC, issued 2026-11-02
    return make_invoice(company, customer, lines=[line("100")], issue_date=date(2026, 11, 2))


def _pay(company, amount, invoices=(), customer=None, day=date(2026, 11, 10), **kw):
    return payment_record(
        company=company, amount=amount, date=day, invoices=list(invoices), customer=customer, **kw
    )


def test_a_full_payment_pays_the_invoice(company, invoice):
    payment = _pay(company, "120.00", [invoice])
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status, invoice.paid_on) == (
        D("0"),
        "paid",
        date(2026, 11, 10),
    )
    assert payment.unallocated == D("0")


def test_a_partial_payment_leaves_the_rest(company, invoice):
    _pay(company, "50", [invoice])
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("70.00"), "partially_paid")


def test_one_transfer_pays_several_invoices_in_the_order_given(company, customer, invoice):
    second = make_invoice(company, customer, lines=[line("50")], issue_date=date(2026, 11, 3))
    payment = _pay(company, "150", [second, invoice])
    second.refresh_from_db()
    invoice.refresh_from_db()
    assert (second.balance, invoice.balance) == (D("0"), D("30.00"))
    assert payment.allocations.count() == 2


def test_an_excess_becomes_customer_credit_usable_later(company, customer, invoice):
    payment = _pay(company, "200", [invoice])
    assert payment.unallocated == D("80.00")
    later = make_invoice(company, customer, lines=[line("50")], issue_date=date(2026, 11, 15))
    allocation = allocation_create(payment=payment, invoice=later)
    later.refresh_from_db()
    payment.refresh_from_db()
    assert (allocation.amount, later.balance, payment.unallocated) == (D("60"), D("0"), D("20"))
    assert allocation.date == clock.today()


def test_a_payment_without_invoices_is_credit_on_account(company, customer, invoice):
    payment = _pay(company, "40", customer=customer)
    balance = customer_balance(company, customer.pk, date(2026, 11, 20))["EUR"]
    assert (payment.unallocated, balance.receivable, balance.credit, balance.balance) == (
        D("40"),
        D("120"),
        D("40"),
        D("80"),
    )


def test_an_allocation_can_never_exceed_the_payment_or_the_balance(company, customer, invoice):
    payment = _pay(company, "30", customer=customer)
    with pytest.raises(Conflict, match="left to allocate"):
        allocation_create(payment=payment, invoice=invoice, amount="31")
    big = _pay(company, "500", customer=customer)
    with pytest.raises(Conflict, match="left to pay"):
        allocation_create(payment=big, invoice=invoice, amount="121")


def test_undo_keeps_history_and_restores_the_balance(company, invoice):
    payment = _pay(company, "120", [invoice])
    allocation = payment.allocations.get()
    allocation_undo(allocation=allocation, reason="Mauvaise facture")
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.balance, invoice.status, payment.unallocated) == (D("120"), "open", D("120"))
    assert Allocation.objects.filter(pk=allocation.pk, undone_on=date(2026, 11, 20)).exists()
    assert invoice_balance(invoice, date(2026, 11, 19)) == D("0")
    assert invoice_balance(invoice, date(2026, 11, 20)) == D("120")
    with pytest.raises(Conflict):
        allocation_undo(allocation=allocation)


def test_small_gaps_are_written_off_within_the_tolerance(company, invoice):
    _pay(company, "119.50", [invoice])
    with pytest.raises(ValidationError, match="reason"):
        invoice_write_off(invoice=invoice, reason="")
    invoice_write_off(invoice=invoice, reason="Frais bancaires")
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("0"), "paid")


def test_a_gap_over_the_tolerance_is_a_bad_debt_only(company, invoice):
    _pay(company, "100", [invoice])
    with pytest.raises(Conflict, match="tolerance"):
        invoice_write_off(invoice=invoice, reason="Écart")
    invoice_write_off(invoice=invoice, reason="Liquidation judiciaire", bad_debt=True)
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("0"), "written_off")


def test_record_with_write_off_difference(company, invoice):
    _pay(company, "119.60", [invoice], write_off_difference=True)
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert invoice.allocations.filter(kind="write_off", amount=D("0.40")).exists()


def test_cancelling_a_bounced_payment(company, customer, invoice):
    payment = _pay(company, "120", [invoice])
    payment_cancel(payment=payment, reason="Chèque impayé")
    invoice.refresh_from_db()
    assert invoice.balance == D("120")
    assert customer_balance(company, customer.pk, date(2026, 11, 20))["EUR"].balance == D("120")
    assert customer_balance(company, customer.pk, date(2026, 11, 19))["EUR"].balance == D("0")


def test_payments_are_checked(company, customer, invoice):
    other = make_invoice(company, make_customer(company), issue_date=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="another customer"):
        _pay(company, "240", [invoice, other])
    with pytest.raises(ValidationError, match="future"):
        _pay(company, "1", [invoice], day=date(2026, 11, 21))
    with pytest.raises(ValidationError, match="positive"):
        _pay(company, "0", [invoice])
    with pytest.raises(ValidationError, match="floats"):
        _pay(company, 1.5, [invoice])
    with pytest.raises(ValidationError, match="decimals"):
        _pay(company, "1.005", [invoice])


def test_overdue_is_derived_from_today(company, customer):
    invoice = make_invoice(company, customer, issue_date=date(2026, 9, 1))
    assert display_status(invoice, date(2026, 10, 1)) == "open"
    assert display_status(invoice, date(2026, 10, 2)) == "overdue"


def test_balance_at_a_past_date_ignores_later_events(company, customer, invoice):
    _pay(company, "20", [invoice], day=date(2026, 11, 5))
    _pay(company, "30", [invoice], day=date(2026, 11, 12))
    assert invoice_balance(invoice, date(2026, 11, 1)) == D("0")  # not issued yet
    assert invoice_balance(invoice, date(2026, 11, 4)) == D("120")
    assert invoice_balance(invoice, date(2026, 11, 5)) == D("100")
    assert invoice_balance(invoice, date(2026, 11, 20)) == D("70")
    assert customer_balance(company, customer.pk, date(2026, 11, 6))["EUR"].balance == D("100")
